package dev.grove.model;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The price table: model name to {@link Price}. Keys are a model name ({@code gpt-4.1}) or a
 * provider and a model ({@code openai:gpt-4.1}, which wins). A dated or suffixed variant without
 * its own entry takes the price of its longest listed prefix ending before a '-' ({@code
 * gpt-4.1-2025-04-14} → {@code gpt-4.1}). Models of local providers (Ollama) are free unless
 * listed.
 */
public record Prices(Map<String, Price> table) {
  public Prices {
    table = Map.copyOf(table);
  }

  /** This table with {@code overrides} laid over it. */
  public Prices with(Map<String, Price> overrides) {
    Map<String, Price> merged = new TreeMap<>(table);
    merged.putAll(overrides);
    return new Prices(merged);
  }

  /**
   * The price of {@code model} served by {@code provider} (a provider name from the spec), if
   * known.
   */
  public Optional<Price> find(String provider, String model) {
    for (String key : new String[] {provider + ":" + model, model}) {
      Price p = table.get(key);
      if (p != null) {
        return Optional.of(p);
      }
    }
    for (String key : new String[] {provider + ":" + model, model}) {
      Optional<Price> p = longestPrefix(key);
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private Optional<Price> longestPrefix(String name) {
    String best = null;
    for (String key : table.keySet()) {
      if (name.startsWith(key + "-") && (best == null || key.length() > best.length())) {
        best = key;
      }
    }
    return Optional.ofNullable(best).map(table::get);
  }
}
