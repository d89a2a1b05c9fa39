package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real build inside the sandbox: Maven, offline, compiling and testing a small project against
 * the user's local repository mounted read-only. Runs after packaging, when everything it needs
 * (the same plugin and JUnit versions grove's own build uses) is in ~/.m2.
 */
class OfflineMavenBuildIT {
  static final Path M2 = Path.of(System.getProperty("user.home"), ".m2");

  @Test
  void anOfflineMavenBuildWorksWithTheLocalRepositoryReadOnly() throws IOException {
    assumeTrue(
        Files.isDirectory(
            M2.resolve("repository/org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
        "~/.m2 does not have the plugins grove's own build uses");
    try (Fixture f = Fixture.create()) {
      Path project = f.worktree;
      Files.writeString(
          project.resolve("pom.xml"),
          """
          <project xmlns="http://maven.apache.org/POM/4.0.0">
            <modelVersion>4.0.0</modelVersion>
            <groupId>demo</groupId><artifactId>demo</artifactId><version>1</version>
            <properties>
              <maven.compiler.release>17</maven.compiler.release>
              <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            </properties>
            <dependencies>
              <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
                <version>5.14.4</version><scope>test</scope></dependency>
            </dependencies>
            <build><plugins>
              <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
              <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
              <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
            </plugins></build>
          </project>
          """);
      Files.createDirectories(project.resolve("src/main/java/demo"));
      Files.createDirectories(project.resolve("src/test/java/demo"));
      Files.writeString(
          project.resolve("src/main/java/demo/App.java"),
          "package demo; public class App { public static int twice(int x) { return 2 * x; } }\n");
      Files.writeString(
          project.resolve("src/test/java/demo/AppTest.java"),
          """
          package demo;
          import static org.junit.jupiter.api.Assertions.assertEquals;
          import org.junit.jupiter.api.Test;
          class AppTest { @Test void twice() { assertEquals(4, App.twice(2)); } }
          """);
      // the real home is the one hidden here, so ~/.m2 is visible only through the read-only mount
      SandboxPolicy policy =
          SandboxPolicy.standard(M2.getParent(), f.groveHome).withReadOnly(List.of(M2));
      Sandbox sandbox = Sandboxes.create(Backend.BUBBLEWRAP, policy, System.getenv());
      CommandResult build =
          sandbox.run(
              CommandRequest.of(project, Duration.ofMinutes(5), "mvn", "-o", "-B", "package"));
      assertThat(build.succeeded()).as(build.stdout().text() + build.stderr().text()).isTrue();
      assertThat(build.stdout().text())
          .contains("Tests run: 1, Failures: 0")
          .contains("BUILD SUCCESS");
      assertThat(project.resolve("target/demo-1.jar")).exists();

      String marker = "pwned-" + ProcessHandle.current().pid();
      CommandResult write =
          sandbox.run(
              CommandRequest.of(
                      project,
                      Duration.ofSeconds(30),
                      "sh",
                      "-c",
                      "touch ~/.m2/repository/" + marker + "; ls -A ~")
                  .withEnvironment(Map.of()));
      assertThat(write.stderr().text()).contains("Read-only file system");
      // the hidden home shows only the read-only ~/.m2 (and, when the checkout is under home, the
      // way down to it)
      Path home = M2.getParent();
      List<String> expected = new java.util.ArrayList<>(List.of(".m2"));
      if (project.startsWith(home)) {
        expected.add(home.relativize(project).getName(0).toString());
      }
      assertThat(write.stdout().text().lines().sorted().toList())
          .isEqualTo(expected.stream().sorted().toList());
      assertThat(M2.resolve("repository/" + marker)).doesNotExist();
    }
  }
}
