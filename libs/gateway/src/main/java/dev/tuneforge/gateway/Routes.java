package dev.tuneforge.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which service answers which path. Longest prefix wins, so {@code /v1/fine_tuning} and {@code
 * /v1/files} never shadow each other. Service base URLs come from environment variables (the same
 * names in the launcher, docker-compose and Kubernetes), defaulting to the embedded mode's ports.
 */
public final class Routes {

  /** A service the gateway fronts: its name, base URL and the path prefixes it owns. */
  public record Service(String name, URI baseUrl, List<String> prefixes) {}

  public record Route(String prefix, Service service) {}

  private final List<Service> services;
  private final List<Route> routes = new ArrayList<>();

  public Routes(List<Service> services) {
    this.services = List.copyOf(services);
    for (Service s : services) {
      for (String p : s.prefixes()) {
        routes.add(new Route(p, s));
      }
    }
    routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
  }

  public static Routes fromEnvironment(Map<String, String> env) {
    return new Routes(
        List.of(
            // /v1/keys: every service can serve it (libs/platform); dataset-service is the one
            // routed to.
            service(
                env,
                "dataset-service",
                "TUNEFORGE_DATASET_URL",
                8081,
                "/v1/files",
                "/v1/datasets",
                "/v1/keys"),
            service(env, "trainer-service", "TUNEFORGE_TRAINER_URL", 8082, "/v1/fine_tuning"),
            service(
                env,
                "evaluator-service",
                "TUNEFORGE_EVALUATOR_URL",
                8083,
                "/v1/evaluation",
                "/v1/evaluations",
                "/v1/chat"),
            service(
                env,
                "registry-service",
                "TUNEFORGE_REGISTRY_URL",
                8084,
                "/v1/models",
                "/v1/registry")));
  }

  private static Service service(
      Map<String, String> env, String name, String var, int port, String... prefixes) {
    String url = env.getOrDefault(var, "http://127.0.0.1:" + port);
    return new Service(
        name,
        URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
        List.of(prefixes));
  }

  /** The service owning {@code path}: a prefix matches the whole path or up to a '/' or '?'. */
  public Optional<Service> route(String path) {
    for (Route r : routes) {
      if (path.startsWith(r.prefix())) {
        String rest = path.substring(r.prefix().length());
        if (rest.isEmpty()
            || rest.startsWith("/")
            || rest.startsWith("?")
            || rest.startsWith("s")) {
          // "s" lets /v1/evaluation also own /v1/evaluations
          return Optional.of(r.service());
        }
      }
    }
    return Optional.empty();
  }

  public List<Service> services() {
    return services;
  }

  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Route r : routes) {
      m.put(r.prefix(), r.service().name());
    }
    return m;
  }
}
