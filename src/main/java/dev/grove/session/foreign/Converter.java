package dev.grove.session.foreign;

import dev.grove.session.Problem;
import java.util.ArrayList;
import java.util.List;

/** What every converter of another tool's file keeps: the problems it met, the entries it wrote. */
abstract class Converter {
  /** What could not be read, with the source's line numbers. */
  final List<Problem> problems = new ArrayList<>();

  /** The grove entries written so far. */
  int entries;

  List<Problem> problems() {
    return problems;
  }

  int entries() {
    return entries;
  }
}
