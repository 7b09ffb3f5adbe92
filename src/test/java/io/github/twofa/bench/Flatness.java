package io.github.twofa.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.Http;

/**
 * The target "per-login cost flat from 10 to 10,000 users" needs several runs: each run keeps its results under
 * {@code history/} by number of users and clients, and runs with the same number of clients are compared. The cost
 * is the whole login's median time; run with one client ({@code --clients 1}), it is a login's own cost, since no
 * other login competes for the CPU whether the clients log in without pause (many users) or mostly wait for fresh
 * codes (few users). Flat means here: with the most users at most {@value #TOLERANCE} times the time with the
 * fewest, a margin of the order of the run-to-run noise on a 2-core machine. The server's CPU per login is shown
 * too; with few users it is less exact, since most of a round is idle time, estimated and left out.
 */
final class Flatness {

    static final double TOLERANCE = 1.25;

    private final List<JsonNode> runs;

    private Flatness(List<JsonNode> runs) {
        this.runs = runs;
    }

    /** Keeps this run's results and reads the earlier runs with as many clients. */
    static Flatness record(BenchOptions options, ObjectNode results) throws IOException {
        Path history = Files.createDirectories(options.outputDir().resolve("history"));
        String name = String.format(Locale.ROOT, "users-%d-clients-%d.json", options.users(), options.clients());
        Files.writeString(history.resolve(name), results.toPrettyString(), StandardCharsets.UTF_8);
        List<JsonNode> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(history)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode run = Http.JSON.readTree(file.toFile());
                if (run.path("options").path("clients").asInt() == options.clients()) {
                    runs.add(run);
                }
            }
        }
        runs.sort(
                Comparator.comparingInt(run -> run.path("options").path("users").asInt()));
        return new Flatness(runs);
    }

    /** Medians and CPU per login by number of users, and the verdict; empty with fewer than two runs. */
    Optional<List<List<String>>> table() {
        if (runs.size() < 2) {
            return Optional.empty();
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("Users per kind (" + clients() + " clients)"));
        for (LoginKind kind : LoginKind.values()) {
            header.add(kind.label() + ": second factor / whole login median, server CPU per login (ms)");
        }
        rows.add(header);
        for (JsonNode run : runs) {
            List<String> row = new ArrayList<>(
                    List.of(String.valueOf(run.path("options").path("users").asInt())));
            for (LoginKind kind : LoginKind.values()) {
                row.add(Targets.number(median(run, kind, "second_factor")) + " / "
                        + Targets.number(median(run, kind, "whole_login")) + ", "
                        + Targets.number(
                                measured(run, kind).path("serverCpuMsPerLogin").asDouble(Double.NaN)));
            }
            rows.add(row);
        }
        List<String> verdict =
                new ArrayList<>(List.of("Whole login, most / fewest users (flat: ≤ " + TOLERANCE + " ×)"));
        for (LoginKind kind : LoginKind.values()) {
            double ratio =
                    median(runs.get(runs.size() - 1), kind, "whole_login") / median(runs.get(0), kind, "whole_login");
            verdict.add(Targets.ratio(ratio, TOLERANCE) + " " + (ratio <= TOLERANCE ? "PASS" : "MISS"));
        }
        rows.add(verdict);
        return Optional.of(rows);
    }

    private int clients() {
        return runs.get(0).path("options").path("clients").asInt();
    }

    private static double median(JsonNode run, LoginKind kind, String step) {
        return measured(run, kind).path("steps").path(step).path("medianMs").asDouble(Double.NaN);
    }

    private static JsonNode measured(JsonNode run, LoginKind kind) {
        for (JsonNode measured : run.path("kinds")) {
            if (measured.path("kind").asText().equals(kind.id())) {
                return measured;
            }
        }
        return Http.JSON.missingNode();
    }
}
