package dev.grove.model;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body of at most {@code max} bytes. A larger one (by its Content-Length, or as
 * it arrives) cancels the exchange and fails with {@link GroveHttpClient.TooLarge}, so a hostile
 * server cannot make grove hold more than that. {@link #cancel} stops reading at once, for a
 * deadline that passed.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int max;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;
  private volatile boolean overCap;

  CappedBody(int max) {
    this.max = max;
  }

  /**
   * The body handler's job: this subscriber, failed at once when the declared length is over the
   * cap.
   */
  HttpResponse.BodySubscriber<byte[]> forResponse(HttpResponse.ResponseInfo info) {
    if (info.headers().firstValueAsLong("content-length").orElse(-1) > max) {
      tooLarge();
    }
    return this;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelled || result.isDone()) {
      s.cancel();
    } else {
      s.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if ((long) out.size() + b.remaining() > max) {
        tooLarge();
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  /**
   * Whether the body was over the cap: the exchange may then fail as "cancelled" before this is
   * seen.
   */
  boolean overCap() {
    return overCap;
  }

  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private void tooLarge() {
    overCap = true;
    result.completeExceptionally(new GroveHttpClient.TooLarge(max));
    cancel();
  }
}
