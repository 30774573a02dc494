package io.s3dlio.store.s3;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the attempts of each SDK call and puts the count on its failure
 * ({@link SdkException#numAttempts()}), which the SDK leaves empty when the call deadline
 * ({@code apiCallTimeout}) ends it, so that {@link S3Errors} can say how many attempts were made.
 */
final class AttemptCounter implements ExecutionInterceptor {
  private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("s3dlio.attempts");

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(ATTEMPTS, new AtomicInteger());
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    AtomicInteger n = attributes.getAttribute(ATTEMPTS);
    if (n != null) {
      n.incrementAndGet();
    }
  }

  @Override
  public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
    Throwable t = context.exception();
    AtomicInteger n = attributes.getAttribute(ATTEMPTS);
    if (n != null && n.get() > 0 && t instanceof SdkException e
        && (e.numAttempts() == null || e.numAttempts() < n.get())) {
      return e.toBuilder().numAttempts(n.get()).build();
    }
    return t;
  }
}
