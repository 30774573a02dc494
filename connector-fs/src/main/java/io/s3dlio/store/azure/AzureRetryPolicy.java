package io.s3dlio.store.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * Retries of one Azure request: exponential backoff with full jitter (the delay before retry
 * {@code n} is random in {@code [0, min(max, base * 2^(n-1))]}) for throttling (429, 503
 * ServerBusy), 408, 500, 502, 504 and connection failures or timeouts, at most
 * {@code maxRetries} retries, and no retry that would start after the call's deadline. A call
 * that runs out of either throws {@link RetriesExhaustedException}, which says how many attempts
 * were made in how long and what the last failure was. It replaces the storage SDK's own
 * {@code RequestRetryPolicy} (whose exponential delays have no jitter), which is set to one try.
 */
final class AzureRetryPolicy implements HttpPipelinePolicy {
  private static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);

  private final int maxRetries;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Duration deadline;
  private final String deadlineKey;

  AzureRetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay, Duration deadline, String deadlineKey) {
    this.maxRetries = maxRetries;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.deadline = deadline;
    this.deadlineKey = deadlineKey;
  }

  /** A call that failed after its retries or at its deadline. */
  static final class RetriesExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String errorCode;
    final int attempts;
    final double seconds;
    final boolean deadlineReached;

    RetriesExhaustedException(String message, int status, String errorCode, int attempts, double seconds,
        boolean deadlineReached, Throwable cause) {
      super(message, cause);
      this.status = status;
      this.errorCode = errorCode;
      this.attempts = attempts;
      this.seconds = seconds;
      this.deadlineReached = deadlineReached;
    }
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    HttpRequest original = context.getHttpRequest();
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      context.setHttpRequest(original.copy());
      HttpResponse response = null;
      RuntimeException failure = null;
      try {
        response = next.clone().processSync();
      } catch (RuntimeException e) {
        failure = e;
      }
      if (failure != null && !retryable(failure)) {
        throw failure;
      }
      if (response != null && !RETRYABLE_STATUS.contains(response.getStatusCode())) {
        return response;
      }
      Duration delay = delay(attempt);
      RetriesExhaustedException exhausted = exhausted(response, failure, attempt, start, delay);
      if (exhausted != null) {
        throw exhausted;
      }
      if (response != null) {
        response.close();
      }
      sleep(delay);
    }
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return attempt(context, next, context.getHttpRequest(), 1, System.nanoTime());
  }

  private Mono<HttpResponse> attempt(HttpPipelineCallContext context, HttpPipelineNextPolicy next,
      HttpRequest original, int attempt, long start) {
    context.setHttpRequest(original.copy());
    return next.clone().process()
        .<Object>map(r -> r)
        .onErrorResume(t -> Mono.just(t))
        .flatMap(o -> {
          HttpResponse response = o instanceof HttpResponse r ? r : null;
          Throwable failure = response == null ? (Throwable) o : null;
          if (failure != null && !retryable(failure)) {
            return Mono.error(failure);
          }
          if (response != null && !RETRYABLE_STATUS.contains(response.getStatusCode())) {
            return Mono.just(response);
          }
          Duration delay = delay(attempt);
          RetriesExhaustedException exhausted = exhausted(response, failure, attempt, start, delay);
          if (exhausted != null) {
            return Mono.error(exhausted);
          }
          if (response != null) {
            response.close();
          }
          return attempt(context, next, original, attempt + 1, start).delaySubscription(delay);
        });
  }

  /** Null when another attempt may follow after {@code delay}; else the failure to throw. */
  private RetriesExhaustedException exhausted(HttpResponse response, Throwable failure, int attempt, long start,
      Duration delay) {
    long elapsed = System.nanoTime() - start;
    boolean pastDeadline = !deadline.isZero() && elapsed + delay.toNanos() > deadline.toNanos();
    if (attempt <= maxRetries && !pastDeadline) {
      return null;
    }
    int status = response == null ? -1 : response.getStatusCode();
    String code = response == null ? null : response.getHeaderValue("x-ms-error-code");
    if (response != null) {
      response.close();
    }
    String last = response != null ? "HTTP " + status + (code == null ? "" : " " + code)
        : AzureErrors.scrub(io.s3dlio.store.StoreErrors.rootCause(failure));
    double seconds = elapsed / 1e9;
    String why = pastDeadline && attempt <= maxRetries
        ? String.format(java.util.Locale.ROOT, "the call deadline (%s = %s) ran out", deadlineKey, deadline)
        : "no retries left";
    String message = String.format(java.util.Locale.ROOT, "gave up after %d attempt%s in %.1f s (%s): %s", attempt,
        attempt == 1 ? "" : "s", seconds, why, last);
    return new RetriesExhaustedException(message, status, code, attempt, seconds, pastDeadline, failure);
  }

  private Duration delay(int attempt) {
    long cap = Math.min(maxDelay.toNanos(), baseDelay.toNanos() << Math.min(30, attempt - 1));
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(cap + 1));
  }

  /** Connection failures, resets and timeouts; never an interruption. */
  static boolean retryable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof InterruptedException || c instanceof InterruptedIOException
          && !(c instanceof java.net.SocketTimeoutException) && !(c instanceof java.net.http.HttpTimeoutException)) {
        return false;
      }
      if (c instanceof IOException || c instanceof UncheckedIOException || c instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting to retry"));
    }
  }
}
