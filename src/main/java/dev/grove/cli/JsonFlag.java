package dev.grove.cli;

import picocli.CommandLine.Option;

/** {@code --json}, for every command whose output a script may read. */
final class JsonFlag {
  @Option(names = "--json", description = "Print machine-readable JSON.")
  boolean json;
}
