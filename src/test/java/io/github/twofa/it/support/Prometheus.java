package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which {@code run-tests.sh} installs) scraping one Keycloak
 * management interface, with a store of its own in a temporary folder; queried through its HTTP API.
 */
public final class Prometheus implements AutoCloseable {

    private final Process process;
    private final String url;
    private final Path home;
    private final HttpClient http = HttpClient.newHttpClient();

    private Prometheus(Process process, String url, Path home) {
        this.process = process;
        this.url = url;
        this.home = home;
    }

    /** Starts Prometheus scraping {@code managementUrl}'s {@code /metrics} every {@code scrapeSeconds}. */
    public static Prometheus scraping(String managementUrl, int scrapeSeconds) {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            fail(
                    "No /usr/bin/prometheus: the monitoring tests need Debian's prometheus package (run-tests.sh installs it)");
        }
        try {
            Path home = Files.createTempDirectory("twofa-prometheus");
            URI target = URI.create(managementUrl);
            Files.writeString(home.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: %ds
                      evaluation_interval: %ds
                    scrape_configs:
                      - job_name: keycloak
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['%s:%d']
                    """.formatted(
                            scrapeSeconds, scrapeSeconds, target.getHost(), target.getPort()));
            int port = Processes.freePort();
            Process process = new ProcessBuilder(
                            binary.toString(),
                            "--config.file=" + home.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + home.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("prometheus.log").toFile())
                    .start();
            Prometheus prometheus = new Prometheus(process, "http://127.0.0.1:" + port, home);
            prometheus.await(Duration.ofSeconds(30), p -> p.isReady());
            return prometheus;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean isReady() {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until {@code condition} holds, failing after {@code timeout}. */
    public void await(Duration timeout, Predicate<Prometheus> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            if (System.nanoTime() > deadline) {
                fail("Prometheus: condition not met within " + timeout + "; log in " + home.resolve("prometheus.log"));
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** An instant query's {@code data.result} (an array of series); fails on a query Prometheus refuses. */
    public JsonNode query(String promQl) {
        JsonNode answer = get("/api/v1/query?query=" + Http.encode(promQl));
        return answer.path("data").path("result");
    }

    /** A range query's series, from {@code start} to {@code end} (epoch seconds) every {@code stepSeconds}. */
    public JsonNode queryRange(String promQl, long start, long end, int stepSeconds) {
        JsonNode answer = get("/api/v1/query_range?query=" + Http.encode(promQl) + "&start=" + start + "&end=" + end
                + "&step=" + stepSeconds);
        return answer.path("data").path("result");
    }

    private JsonNode get(String path) {
        HttpResponse<String> response = Http.send(
                http, HttpRequest.newBuilder(URI.create(url + path)).GET().build());
        JsonNode answer = Http.json(response.body());
        if (response.statusCode() != 200
                || !"success".equals(answer.path("status").asText())) {
            fail("Prometheus refused " + path + ": " + response.body());
        }
        return answer;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Processes.deleteTree(home);
    }

    /** Where Prometheus keeps its configuration, store and log. */
    public String describe() {
        return url + " (" + home + File.separator + "prometheus.log)";
    }
}
