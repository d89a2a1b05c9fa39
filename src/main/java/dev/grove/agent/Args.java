package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading tool-call arguments; a missing or mistyped argument is a {@link BadArguments} for the
 * model.
 */
public final class Args {
  static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private Args() {}

  /** Arguments a tool cannot use; the message is for the model. */
  public static final class BadArguments extends RuntimeException {
    public BadArguments(String message) {
      super(message);
    }
  }

  static String string(JsonNode args, String name) {
    String s = stringAllowEmpty(args, name);
    if (s.isBlank()) {
      throw new BadArguments("argument '" + name + "' must not be empty");
    }
    return s;
  }

  static String stringAllowEmpty(JsonNode args, String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      throw new BadArguments("missing argument '" + name + "'");
    }
    if (!v.isTextual()) {
      throw new BadArguments(
          "argument '"
              + name
              + "' must be a string, not "
              + v.getNodeType().toString().toLowerCase());
    }
    return v.asText();
  }

  static String optionalString(JsonNode args, String name, String fallback) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw new BadArguments("argument '" + name + "' must be a string");
    }
    return v.asText();
  }

  static int optionalInt(JsonNode args, String name, int fallback) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.asInt();
    }
    if (v.isTextual() && v.asText().strip().matches("-?\\d{1,9}")) {
      return Integer.parseInt(v.asText().strip()); // models sometimes quote numbers
    }
    throw new BadArguments("argument '" + name + "' must be a whole number");
  }

  static boolean optionalBoolean(JsonNode args, String name, boolean fallback) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new BadArguments("argument '" + name + "' must be true or false");
    }
    return v.asBoolean();
  }
}
