package io.walletplatform.platform;

import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.ops.HttpFront;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.orders.OrdersApi;
import io.walletplatform.payments.PaymentsApi;
import io.walletplatform.wallet.WalletApi;
import io.walletplatform.webhooks.WebhooksApi;
import io.walletplatform.worker.OperationWorker;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structure issue #34 asks for, kept: the compiled classes of every module (read by the JDK's
 * {@code jdeps}, as built) have no circle between packages at the class level, and common's packages
 * form no circle at all (a reader can take them bottom-up: errors, health, config, money, json, db,
 * events, kafka, ...). docs/architecture.md draws the same graph ({@code scripts/architecture.sh}).
 */
class ArchitectureTest {

  /** Each module, by one class of it. */
  private static final Map<String, Class<?>> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("common-base", Money.class);
    MODULES.put("common-messaging", KafkaClients.class);
    MODULES.put("common-http", HttpFront.class);
    MODULES.put("wallet-core", WalletCache.class);
    MODULES.put("wallet-api", WalletApi.class);
    MODULES.put("operation-worker", OperationWorker.class);
    MODULES.put("orders-api", OrdersApi.class);
    MODULES.put("payments-api", PaymentsApi.class);
    MODULES.put("webhooks", WebhooksApi.class);
    MODULES.put("platform", PlatformMain.class);
  }

  @Test
  void noModuleHasClassesOfTwoPackagesThatDependOnEachOther() {
    Map<String, List<Set<String>>> circles = new TreeMap<>();
    MODULES.forEach((module, type) -> {
      List<Set<String>> found = new ArrayList<>();
      for (Set<String> component : stronglyConnected(classGraph(location(type)))) {
        if (component.stream().map(ArchitectureTest::packageOf).distinct().count() > 1) {
          found.add(component);
        }
      }
      if (!found.isEmpty()) {
        circles.put(module, found);
      }
    });
    assertEquals(Map.of(), circles, "classes of different packages in one circle (move the shared type down)");
  }

  /** common's four modules, each by one class of it. */
  private static final List<Class<?>> COMMON = List.of(Money.class, KafkaClients.class, HttpFront.class, WalletCache.class);

  @Test
  void commonsPackagesFormNoCircle() {
    Map<String, Set<String>> packages = new TreeMap<>();
    COMMON.forEach(type -> classGraph(location(type)).forEach((from, targets) -> targets.forEach(to -> {
      if (!packageOf(from).equals(packageOf(to))) {
        packages.computeIfAbsent(packageOf(from), ignored -> new TreeSet<>()).add(packageOf(to));
      }
    })));
    assertTrue(packages.size() >= 10, "jdeps read common's packages: " + packages.keySet());
    List<Set<String>> circles = stronglyConnected(packages).stream().filter(component -> component.size() > 1).toList();
    assertEquals(List.of(), circles, "common's packages in a circle: " + packages);
  }

  /**
   * STYLE 11: a service says what happened with a {@code DomainError}; which HTTP status that is gets decided
   * once, in the failure handler. No class of a {@code domain} package builds an HTTP problem itself.
   */
  @Test
  void domainCodeRaisesDomainErrorsNotHttpProblems() {
    String problem = "io.walletplatform.common.errors.ProblemException";
    Set<String> offenders = new TreeSet<>();
    int domainClasses = 0;
    for (Class<?> type : MODULES.values()) {
      for (Map.Entry<String, Set<String>> uses : classGraph(location(type)).entrySet()) {
        if (packageOf(uses.getKey()).endsWith(".domain")) {
          domainClasses++;
          if (uses.getValue().contains(problem)) {
            offenders.add(uses.getKey());
          }
        }
      }
    }
    assertTrue(domainClasses >= 10, "jdeps found the domain packages' classes: " + domainClasses);
    assertEquals(Set.of(), offenders, "domain classes that answer in HTTP terms (raise a DomainError instead)");
  }

  /** jdeps' answer per module, read once for all the tests of this class. */
  private static final Map<Path, Map<String, Set<String>>> GRAPHS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The module's classes (nested ones counted as their top-level class) and the project classes each uses. */
  static Map<String, Set<String>> classGraph(Path classes) {
    return GRAPHS.computeIfAbsent(classes, ArchitectureTest::readClassGraph);
  }

  private static Map<String, Set<String>> readClassGraph(Path classes) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-e", "io\\.walletplatform\\..*",
        classes.toString());
    assertEquals(0, status, err.toString());
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length < 3 || !parts[1].equals("->")) {
        continue;
      }
      String from = topLevel(parts[0]);
      String to = topLevel(parts[2]);
      if (from.startsWith("io.walletplatform.") && to.startsWith("io.walletplatform.") && !from.equals(to)) {
        graph.computeIfAbsent(from, ignored -> new TreeSet<>()).add(to);
      }
    }
    assertTrue(!graph.isEmpty(), "jdeps found no dependencies in " + classes + ": " + out);
    return graph;
  }

  /** Tarjan's strongly connected components, iteratively. */
  static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new java.util.HashSet<>();
    List<Set<String>> components = new ArrayList<>();
    int[] next = {0};
    for (String root : graph.keySet()) {
      if (index.containsKey(root)) {
        continue;
      }
      Deque<Map.Entry<String, java.util.Iterator<String>>> work = new ArrayDeque<>();
      visit(root, graph, index, low, stack, onStack, next, work);
      while (!work.isEmpty()) {
        Map.Entry<String, java.util.Iterator<String>> top = work.peek();
        String node = top.getKey();
        if (top.getValue().hasNext()) {
          String target = top.getValue().next();
          if (!index.containsKey(target)) {
            visit(target, graph, index, low, stack, onStack, next, work);
          } else if (onStack.contains(target)) {
            low.put(node, Math.min(low.get(node), index.get(target)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = work.peek().getKey();
          low.put(parent, Math.min(low.get(parent), low.get(node)));
        }
        if (low.get(node).equals(index.get(node))) {
          Set<String> component = new TreeSet<>();
          String member;
          do {
            member = stack.pop();
            onStack.remove(member);
            component.add(member);
          } while (!member.equals(node));
          components.add(component);
        }
      }
    }
    return components;
  }

  private static void visit(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
                            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, int[] next,
                            Deque<Map.Entry<String, java.util.Iterator<String>>> work) {
    index.put(node, next[0]);
    low.put(node, next[0]);
    next[0]++;
    stack.push(node);
    onStack.add(node);
    work.push(Map.entry(node, graph.getOrDefault(node, Set.of()).iterator()));
  }

  @Test
  void theCircleFinderFindsACircle() {
    Map<String, Set<String>> graph = Map.of("a.A", Set.of("b.B"), "b.B", Set.of("c.C"), "c.C", Set.of("a.A"),
        "d.D", Set.of("a.A"));
    assertEquals(List.of(Set.of("a.A", "b.B", "c.C")),
        stronglyConnected(graph).stream().filter(component -> component.size() > 1).toList());
  }

  private static String topLevel(String className) {
    int nested = className.indexOf('$');
    return nested < 0 ? className : className.substring(0, nested);
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  private static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
