package io.s3dlio.npz.spark;

import java.util.List;
import java.util.Map;
import scala.jdk.javaapi.CollectionConverters;

/** Conversions to and from the Scala collections of Spark's Scala-defined file-source API. */
final class Scala {
  private Scala() {
  }

  static scala.collection.immutable.Map<String, String> map(Map<String, String> m) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(m));
  }

  static <T> scala.collection.immutable.Seq<T> seq(List<T> l) {
    return CollectionConverters.asScala(l).toSeq();
  }

  static <T> List<T> list(scala.collection.Seq<T> s) {
    return CollectionConverters.asJava(s);
  }

  static Map<String, String> javaMap(scala.collection.Map<String, String> m) {
    return CollectionConverters.asJava(m);
  }
}
