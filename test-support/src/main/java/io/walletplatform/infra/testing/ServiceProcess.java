package io.walletplatform.infra.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service's main class run as a process of its own on this JVM's class path, for tests that kill
 * it with a real signal. Its output goes to {@code target/process-logs/<name>.log}.
 */
public final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} from this JVM's class path, with the given environment added to this one's. */
  public static ServiceProcess start(String name, String mainClass, Map<String, String> environment) {
    return launch(name, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), mainClass), environment);
  }

  /** As {@link #start}, with this heap limit (and as much direct memory): a process that must fit in it. */
  public static ServiceProcess startWithHeap(String name, String mainClass, Map<String, String> environment,
                                             String heap) {
    return launch(name, List.of("-Xmx" + heap, "-XX:MaxDirectMemorySize=" + heap, "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), mainClass),
        environment);
  }

  /** Starts {@code java -Xmx512m -jar jar}, as the README's run command does. */
  public static ServiceProcess startJar(String name, Path jar, Map<String, String> environment) {
    return launch(name, List.of("-Xmx512m", "-jar", jar.toAbsolutePath().toString()), environment);
  }

  private static ServiceProcess launch(String name, List<String> arguments, Map<String, String> environment) {
    try {
      Path log = Path.of("target", "process-logs", name + ".log");
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(arguments);
      Files.writeString(log, "# " + java.time.Instant.now() + " starting " + String.join(" ", command) + "\n");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(environment);
      return new ServiceProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until the process has printed the text; fails early if it exits. */
  public void awaitOutput(String text, Duration timeout) {
    Await.until(name + " prints \"" + text + "\"", timeout, () -> {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before printing \"" + text
            + "\"; see " + log.toAbsolutePath());
      }
      return false;
    });
  }

  /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
  public void kill() {
    signal("KILL");
  }

  /** SIGTERM: the process shuts down as it does on Ctrl-C or {@code docker stop}. */
  public void terminate() {
    signal("TERM");
  }

  /** SIGTERM without waiting for the exit (to watch the shutdown; then {@link #awaitExit}). */
  public void sendTerminate() {
    send("TERM");
  }

  private void signal(String signal) {
    if (!process.isAlive()) {
      return;
    }
    send(signal);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " did not exit within 30 s of SIG" + signal);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void send(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * SIGKILLs the embedded servers an all-in-one platform started on {@code dataDir} (found through
   * their pid files), for a test's cleanup after it killed that platform: PostgreSQL runs detached
   * from the JVM that started it, so neither a crash nor {@link #close()} takes it down.
   */
  public static void killServersOf(Path dataDir) {
    for (Path pidFile : List.of(dataDir.resolve("postgres").resolve("postmaster.pid"), dataDir.resolve("redis.pid"))) {
      try {
        if (Files.isRegularFile(pidFile)) {
          long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
          // A stale pid file may name a pid reused since: only a server of ours is killed.
          ProcessHandle.of(pid)
              .filter(server -> server.info().command().map(command -> command.contains("postgres")
                  || command.contains("redis-server")).orElse(false))
              .ifPresent(ProcessHandle::destroyForcibly);
        }
      } catch (IOException | RuntimeException nothingLeft) {
        // no pid file, an unreadable one, or a process already gone: nothing to kill
      }
    }
  }

  /**
   * Cleanup, not a fault: SIGKILLs the process and then the processes it started that are still
   * its descendants (the all-in-one platform's Redis; its PostgreSQL detaches: {@link #killServersOf}).
   * A crash is {@link #kill()}, which leaves the children as a real crash would.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      List<ProcessHandle> children = process.descendants().toList();
      kill();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Waits for the exit and returns its code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + timeout);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
