package dev.grove.model;

/**
 * A chat model: sends a conversation and the tools it may call, returns the assistant's turn.
 *
 * <p>One per agent. Safe to use from one thread at a time; different instances are independent, so
 * many agents run side by side. Retries of transient failures (429, 5xx, timeouts) happen inside
 * {@link #chat}; what escapes is a {@link ModelException} that is final for this call.
 */
public interface ChatModel {

  /** Sends the request and returns the assistant's turn; throws {@link ModelException}. */
  ModelReply chat(ModelRequest request);

  /**
   * The spec this model was created from, e.g. {@code openai:gpt-4.1} or {@code
   * scripted:demo.json}.
   */
  String name();
}
