package io.s3dlio.it;

import io.s3dlio.fs.S3dlioFileSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The driver of {@link TestEnvironmentCredentialsStayInTheirJvm}, run in its own JVM whose
 * environment holds the S3 credentials: reads {@code URI} (text) with Spark local[2] through this
 * project's FileSystem, prints {@code count N}, then one {@code SHIPPED <where> <key>} line for every
 * setting Spark sends to executors (its SparkConf, the Hadoop configuration it broadcasts to file
 * scans) whose value holds one of the given secrets. With {@code ship}, the user asks for the keys to
 * travel ({@code spark.hadoop.fs.s3dlio.s3.*}), the control that the search finds them.
 *
 * <pre>EnvCredentialsDriver URI ship|env SECRET...</pre>
 */
public final class EnvCredentialsDriver {
  private EnvCredentialsDriver() {
  }

  public static void main(String[] args) {
    String uri = args[0];
    boolean ship = args[1].equals("ship");
    List<String> secrets = List.of(args).subList(2, args.length);
    SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("EnvCredentialsDriver")
        .config("spark.ui.enabled", "false")
        .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName())
        .config("spark.hadoop.fs.s3.impl.disable.cache", "true");
    if (ship) {
      b.config("spark.hadoop.fs.s3dlio.s3.access-key", System.getenv("AWS_ACCESS_KEY_ID"))
          .config("spark.hadoop.fs.s3dlio.s3.secret-key", secrets.get(0));
    }
    SparkSession spark = b.getOrCreate();
    try {
      System.out.println("count " + spark.read().text(uri).count());
      List<String> shipped = new ArrayList<>();
      for (Tuple2<String, String> e : spark.sparkContext().getConf().getAll()) {
        search("SparkConf", e._1(), e._2(), secrets, shipped);
      }
      Configuration broadcast = spark.sessionState().newHadoopConf();
      for (Map.Entry<String, String> e : broadcast) {
        search("HadoopConf", e.getKey(), e.getValue(), secrets, shipped);
      }
      shipped.forEach(System.out::println);
      System.out.println("searched");
    } finally {
      spark.stop();
    }
  }

  private static void search(String where, String key, String value, List<String> secrets, List<String> out) {
    for (String s : secrets) {
      if (value != null && value.contains(s)) {
        out.add("SHIPPED " + where + " " + key);
      }
    }
  }
}
