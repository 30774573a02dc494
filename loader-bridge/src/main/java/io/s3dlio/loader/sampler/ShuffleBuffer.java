package io.s3dlio.loader.sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A shuffle buffer for streams ({@code tf.data}'s {@code shuffle(buffer_size)}): it holds up to
 * {@code capacity} items; once full, each new item replaces a random one, which comes out. The
 * random choices are fixed by the seed and the epoch.
 *
 * @param <T> the items
 */
public final class ShuffleBuffer<T> {
  private final int capacity;
  private final List<T> items;
  private final SplittableRandom random;

  public ShuffleBuffer(int capacity, long seed, long epoch) {
    if (capacity < 1) {
      throw new IllegalArgumentException("Cannot make a shuffle buffer of " + capacity + " items");
    }
    this.capacity = capacity;
    this.items = new ArrayList<>(Math.min(capacity, 1 << 16));
    this.random = new SplittableRandom(Mix.key(seed, epoch, 5));
  }

  /** Adds {@code item}; passes the item that leaves (if the buffer was full) to {@code out}. */
  public void offer(T item, Consumer<T> out) {
    if (items.size() < capacity) {
      items.add(item);
      return;
    }
    int j = random.nextInt(capacity);
    T leaving = items.get(j);
    items.set(j, item);
    out.accept(leaving);
  }

  /** Passes every item still held, in random order, to {@code out}, and empties the buffer. */
  public void drain(Consumer<T> out) {
    for (int i = items.size() - 1; i >= 0; i--) {
      int j = random.nextInt(i + 1);
      T t = items.get(j);
      items.set(j, items.get(i));
      out.accept(t);
    }
    items.clear();
  }
}
