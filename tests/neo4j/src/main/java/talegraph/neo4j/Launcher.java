package talegraph.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts a real Neo4j server for tests, with HTTP and Bolt on 127.0.0.1 and
 * authentication enabled, and keeps it running until SIGTERM, or until
 * standard input reaches its end when --stop-on-eof is given. The harness
 * keeps the database in a new folder under --work-dir and deletes it at the
 * stop, so every start begins with an empty graph.
 *
 * <p>When ready it prints one line: {@code NEO4J_READY http=URI bolt=URI}.
 * The password of the user neo4j is read from the environment variable
 * NEO4J_PASSWORD (at least 8 characters, as Neo4j 5 requires).
 */
public final class Launcher {
  private static final String HOST = "127.0.0.1";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      fail("NEO4J_PASSWORD must be set to a password of at least 8 characters");
    }
    Files.createDirectories(options.workDir);

    Neo4j neo4j =
        Neo4jBuilders.newInProcessBuilder(options.workDir)
            .withConfig(GraphDatabaseSettings.auth_enabled, true)
            // The default sizes the page cache from the machine's memory;
            // test graphs need a small fraction of this.
            .withConfig(GraphDatabaseSettings.pagecache_memory, 128L << 20)
            .withConfig(HttpConnector.enabled, true)
            .withConfig(HttpConnector.listen_address, new SocketAddress(HOST, options.httpPort))
            .withConfig(HttpConnector.advertised_address, new SocketAddress(HOST, options.httpPort))
            .withConfig(HttpsConnector.enabled, false)
            .withConfig(BoltConnector.enabled, true)
            .withConfig(BoltConnector.listen_address, new SocketAddress(HOST, options.boltPort))
            .withConfig(BoltConnector.advertised_address, new SocketAddress(HOST, options.boltPort))
            .build();
    setPassword(neo4j, password);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  neo4j.close();
                  stopped.countDown();
                }));
    System.out.println("NEO4J_READY http=" + neo4j.httpURI() + " bolt=" + neo4j.boltURI());
    System.out.flush();

    if (options.stopOnEof) {
      drain(System.in);
      System.exit(0);
    }
    stopped.await();
  }

  // Sets the password of the user neo4j. The embedded API runs without
  // authentication, so no current password is needed.
  private static void setPassword(Neo4j neo4j, String password) {
    neo4j
        .databaseManagementService()
        .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
        .executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
            Map.of("password", password));
  }

  private static void drain(InputStream input) throws IOException {
    byte[] buffer = new byte[4096];
    while (input.read(buffer) >= 0) {
      // Only the end of the input matters.
    }
  }

  private static void fail(String message) {
    System.err.println("neo4j launcher: " + message);
    System.exit(2);
  }

  private record Options(Path workDir, int httpPort, int boltPort, boolean stopOnEof) {
    static Options parse(String[] args) {
      Path workDir = null;
      int httpPort = 0;
      int boltPort = 0;
      boolean stopOnEof = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--work-dir" -> workDir = Path.of(value(args, ++i));
          case "--http-port" -> httpPort = port(value(args, ++i));
          case "--bolt-port" -> boltPort = port(value(args, ++i));
          case "--stop-on-eof" -> stopOnEof = true;
          default -> fail("unknown option " + args[i] + "; " + USAGE);
        }
      }
      if (workDir == null) {
        fail("missing --work-dir; " + USAGE);
      }
      return new Options(workDir, httpPort, boltPort, stopOnEof);
    }

    private static final String USAGE =
        "usage: Launcher --work-dir DIR [--http-port PORT] [--bolt-port PORT] [--stop-on-eof]"
            + " (a port of 0 picks a free one)";

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        fail("missing value after " + args[i - 1] + "; " + USAGE);
      }
      return args[i];
    }

    private static int port(String text) {
      try {
        int port = Integer.parseInt(text);
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException ignored) {
        // Reported below.
      }
      fail("invalid port \"" + text + "\"; use an integer from 0 to 65535");
      return 0;
    }
  }
}
