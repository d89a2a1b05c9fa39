package dev.grove.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * A tool the model may call.
 *
 * @param parametersJsonSchema a JSON Schema of {@code "type": "object"} describing the arguments,
 *     e.g. {@code {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}
 */
public record ToolSpec(String name, String description, String parametersJsonSchema) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ToolSpec {
    Objects.requireNonNull(name, "tool name");
    if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "tool name '"
              + name
              + "' must be 1-64 letters, digits, '_' or '-' (what every provider accepts)");
    }
    description = description == null ? "" : description;
    parametersJsonSchema =
        parametersJsonSchema == null || parametersJsonSchema.isBlank()
            ? "{\"type\":\"object\",\"properties\":{}}"
            : parametersJsonSchema;
    JsonNode schema;
    try {
      schema = JSON.readTree(parametersJsonSchema);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "tool " + name + ": parameters schema is not JSON: " + e.getOriginalMessage());
    }
    if (schema == null || !schema.isObject() || !"object".equals(schema.path("type").asText())) {
      throw new IllegalArgumentException(
          "tool " + name + ": parameters schema must be a JSON object with \"type\": \"object\"");
    }
  }
}
