package io.s3dlio.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.config.ConfigCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md leads somewhere: the file or folder exists, and a
 * {@code #anchor} names a heading of the target (GitHub's anchors). Links inside code blocks and
 * inline code are not links.
 */
class TestDocLinks {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  @Test
  void everyRelativeLinkResolves() throws IOException {
    Path root = RepositoryFiles.root();
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> dead = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(page)) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // http:, https:, mailto:
        }
        checked++;
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          dead.add(root.relativize(page) + ": " + target + " (no " + root.relativize(resolved) + ")");
        } else if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
          dead.add(root.relativize(page) + ": " + target + " (no heading #" + anchor + " in "
              + root.relativize(resolved) + ")");
        }
      }
    }
    assertThat(checked).as("relative links found").isGreaterThan(20);
    assertThat(dead).as("dead links").isEmpty();
  }

  @Test
  void theCheckerSeesDeadLinksAndAnchors() throws IOException {
    Path dir = Files.createTempDirectory("links");
    Files.writeString(dir.resolve("a.md"), "# Title\n## Some heading: with `code`\n```\n[x](inside-code.md)\n```\n"
        + "[b](b.md) [c](a.md#some-heading-with-code) [d](a.md#nowhere) `[e](inline.md)`\n");
    assertThat(links(dir.resolve("a.md"))).containsExactly("b.md", "a.md#some-heading-with-code", "a.md#nowhere");
    assertThat(anchors(dir.resolve("a.md"))).contains("title", "some-heading-with-code").doesNotContain("nowhere");
  }

  /** Link targets outside fenced code blocks and inline code. */
  static List<String> links(Path page) throws IOException {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** GitHub's anchors of a page's headings (duplicates get -1, -2, ...). */
  static Set<String> anchors(Path page) throws IOException {
    Set<String> out = new HashSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!fenced && m.matches()) {
        String a = ConfigCatalog.anchor(m.group(1).replace("`", ""));
        String unique = a;
        for (int i = 1; !out.add(unique); i++) {
          unique = a + "-" + i;
        }
      }
    }
    return out;
  }
}
