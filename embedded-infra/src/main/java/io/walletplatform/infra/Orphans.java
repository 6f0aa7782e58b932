package io.walletplatform.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Embedded servers left running by an earlier run of the same data directory whose JVM died
 * without stopping them (SIGKILL, OOM killer, power cut of the JVM alone). A data directory is
 * owned by one live JVM at a time through an OS file lock, which the kernel releases when its
 * holder dies however it dies; whoever holds it may stop the servers recorded in that directory,
 * because nobody else can be using them. A server is stopped only if its process is alive and
 * its command line is that of the expected server for this very directory: a stale pid file whose
 * number now belongs to an unrelated process is only removed.
 */
final class Orphans {

  private static final Logger log = LoggerFactory.getLogger(Orphans.class);
  private static final Duration GRACEFUL = Duration.ofSeconds(15);
  private static final long LOCK_RETRY_MS = 100;

  private Orphans() {
  }

  /**
   * Takes the data directory for this JVM, or fails naming the live process that holds it. A holder
   * may be a JVM that is still exiting (a supervisor restarts at once after a SIGTERM, a test right
   * after a kill): the lock is tried again for {@code wait} before the start fails.
   */
  static AutoCloseable lock(Path dataDir, Duration wait) {
    try {
      Files.createDirectories(dataDir);
      Path lockFile = dataDir.resolve("platform.lock");
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      long until = System.nanoTime() + wait.toNanos();
      FileLock lock = channel.tryLock();
      if (lock == null) {
        log.info("data directory {} is locked (pid {}): waiting up to {} ms for it", dataDir.toAbsolutePath(),
            Files.readString(lockFile, StandardCharsets.UTF_8).trim(), wait.toMillis());
      }
      while (lock == null && System.nanoTime() < until) {
        sleepQuietly(LOCK_RETRY_MS);
        lock = channel.tryLock();
      }
      if (lock == null) {
        channel.close();
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        throw new IllegalStateException("data directory " + dataDir.toAbsolutePath() + " is in use by a running process"
            + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; stop it, or set EMBEDDED_DATA_DIR to another directory");
      }
      // The pid is only for the message a second process prints; not forced to disk: an fsync here
      // waits for whatever the killed run left dirty on the filesystem, seconds on a busy disk.
      channel.truncate(0);
      channel.write(StandardCharsets.UTF_8.encode(Long.toString(ProcessHandle.current().pid())));
      FileLock held = lock;
      return () -> {
        held.release();
        channel.close();
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops a PostgreSQL left running on this data directory (fast shutdown, then immediate, then
   * SIGKILL), and removes a {@code postmaster.pid} whose process is gone or is not that server.
   */
  static void stopPostgres(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    List<String> lines = readLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid = parsePid(lines.get(0));
    Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive) : Optional.empty();
    String commandLine = process.map(p -> commandLine(p.pid())).orElse("");
    boolean ours = commandLine.contains("postgres") && commandLine.contains(dataDirectory.toAbsolutePath().toString());
    if (!ours) {
      log.info("removing stale {} (pid {} is {})", pidFile, pid, process.isPresent() ? "another process" : "gone");
      deleteQuietly(pidFile);
      return;
    }
    log.warn("PostgreSQL pid {} of an earlier run is still serving {}: stopping it", pid, dataDirectory);
    if (!(signal(pid, "INT") && exits(process.get(), GRACEFUL))
        && !(signal(pid, "QUIT") && exits(process.get(), Duration.ofSeconds(5)))) {
      process.get().destroyForcibly();
      exits(process.get(), Duration.ofSeconds(5));
    }
  }

  /** Stops a Redis this data directory's earlier run left, found through the pid file it wrote. */
  static void stopRedis(Path pidFile) {
    List<String> lines = readLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid = parsePid(lines.get(0));
    Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive) : Optional.empty();
    if (process.isPresent() && commandLine(pid).contains("redis-server")) {
      log.warn("Redis pid {} of an earlier run is still running: stopping it", pid);
      process.get().destroy();
      if (!exits(process.get(), Duration.ofSeconds(5))) {
        process.get().destroyForcibly();
        exits(process.get(), Duration.ofSeconds(5));
      }
    }
    deleteQuietly(pidFile);
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long parsePid(String line) {
    try {
      return Long.parseLong(line.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The process's command line from {@code /proc}, arguments separated by spaces; empty if unreadable. */
  static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
    }
  }

  private static boolean signal(long pid, String signal) {
    try {
      return new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean exits(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !process.isAlive();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the data directory's lock", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", file, e.getMessage());
    }
  }
}
