import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads MBean attributes of a running JVM (docs/benchmarks.md, #33: the Kafka producer's records per request,
 * the embedded broker's requests per second by type). Attaches, starts the JVM's local management agent and
 * prints one line per MBean matching each pattern with the attributes asked for.
 *
 * <p>Usage: {@code java scripts/bench/JmxRead.java PID PATTERN ATTRIBUTE[,ATTRIBUTE...] [PATTERN ATTRIBUTES...]},
 * e.g. {@code 'kafka.producer:type=producer-metrics,*' request-rate,records-per-request-avg} or
 * {@code 'kafka.network:type=RequestMetrics,name=RequestsPerSec,*' OneMinuteRate}.
 */
public final class JmxRead {

  public static void main(String[] args) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(args[0]);
    String address = vm.startLocalManagementAgent();
    vm.detach();
    try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection server = connector.getMBeanServerConnection();
      for (int i = 1; i + 1 < args.length; i += 2) {
        for (ObjectName name : server.queryNames(new ObjectName(args[i]), null)) {
          StringBuilder line = new StringBuilder(name.toString());
          for (String attribute : args[i + 1].split(",")) {
            try {
              line.append(' ').append(attribute).append('=').append(server.getAttribute(name, attribute));
            } catch (Exception absent) {
              line.append(' ').append(attribute).append("=?");
            }
          }
          System.out.println(line);
        }
      }
    }
  }
}
