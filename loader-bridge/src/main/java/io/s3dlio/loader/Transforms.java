package io.s3dlio.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The map / filter / flatMap steps a loader applies to each sample, in the order they were
 * added, on the worker that fetched it. Steps must be deterministic functions of the sample for
 * a restored loader to reproduce the stream.
 */
final class Transforms {
  private final List<Function<Sample, List<Sample>>> steps;

  Transforms(List<Function<Sample, List<Sample>>> steps) {
    this.steps = List.copyOf(steps);
  }

  static Function<Sample, List<Sample>> map(Function<Sample, Sample> f) {
    Objects.requireNonNull(f, "map function is null");
    return s -> List.of(Objects.requireNonNull(f.apply(s), "map returned null"));
  }

  static Function<Sample, List<Sample>> filter(Predicate<Sample> p) {
    Objects.requireNonNull(p, "filter predicate is null");
    return s -> p.test(s) ? List.of(s) : List.of();
  }

  static Function<Sample, List<Sample>> flatMap(Function<Sample, List<Sample>> f) {
    Objects.requireNonNull(f, "flatMap function is null");
    return s -> Objects.requireNonNull(f.apply(s), "flatMap returned null");
  }

  /** A new array of {@code n} output lists. */
  @SuppressWarnings("unchecked")
  static List<Sample>[] lists(int n) {
    return new List[n];
  }

  boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The outputs of one sample. */
  List<Sample> apply(Sample s) {
    List<Sample> cur = List.of(s);
    for (Function<Sample, List<Sample>> step : steps) {
      if (cur.size() == 1) {
        cur = step.apply(cur.get(0));
      } else {
        List<Sample> next = new ArrayList<>();
        for (Sample x : cur) {
          next.addAll(step.apply(x));
        }
        cur = next;
      }
      if (cur.isEmpty()) {
        break;
      }
    }
    return cur;
  }
}
