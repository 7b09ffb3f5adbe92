package io.github.twofa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the server's CPU went during the measured rounds of each kind, from its flight recording (Java execution
 * samples, taken every 10 ms per running thread with JFR's "profile" settings): the share of samples in which a
 * component is on the stack, samples per login, and the hottest methods (top frames). For explaining a missed target.
 */
final class ServerProfile {

    private static final int TOP_FRAMES = 8;

    /** Components a sample is counted for when one of their methods is anywhere on its stack. */
    private record Component(String label, Predicate<String> method) {}

    private static final List<Component> COMPONENTS = List.of(
            new Component(
                    "the authorization request (login page)",
                    m -> m.startsWith("org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint")),
            new Component(
                    "a login page's post (password, code, notice)",
                    m -> m.startsWith("org.keycloak.services.resources.LoginActionsService")),
            new Component("the token request", m -> m.startsWith("org.keycloak.protocol.oidc.endpoints.TokenEndpoint")),
            new Component("cluster messages (JGroups)", m -> m.startsWith("org.jgroups.")),
            new Component("argon2 password hash", m -> m.startsWith("org.bouncycastle.crypto.generators.Argon2")),
            new Component(
                    "built-in OTP check",
                    m -> m.startsWith("org.keycloak.models.utils.TimeBasedOTP")
                            || m.startsWith("org.keycloak.credential.OTPCredentialProvider")),
            new Component(
                    "our app-code check (decrypt, RFC 6238, single use)",
                    m -> m.startsWith("io.github.twofa.credential.TotpCredentialProvider.isValid")),
            new Component(
                    "our backup-code check (PBKDF2)",
                    m -> m.startsWith("io.github.twofa.backupcodes.BackupCodeHasher")),
            new Component("our extension, with the pages it renders", m -> m.startsWith("io.github.twofa.")),
            new Component("page rendering (FreeMarker)", m -> m.startsWith("freemarker.")),
            new Component(
                    "template parsing (dev mode caches no templates)", m -> m.startsWith("freemarker.core.FMParser")),
            new Component("theme, template and message lookup", m -> m.startsWith("org.keycloak.theme.")),
            new Component("database (Hibernate, H2)", m -> m.startsWith("org.hibernate.") || m.startsWith("org.h2.")),
            new Component("Infinispan", m -> m.startsWith("org.infinispan.")),
            new Component(
                    "tokens (TokenManager, JOSE)",
                    m -> m.startsWith("org.keycloak.protocol.oidc.TokenManager")
                            || m.startsWith("org.keycloak.jose.")));

    private final Map<LoginKind, Integer> samples = new EnumMap<>(LoginKind.class);
    private final Map<LoginKind, Map<String, Integer>> components = new EnumMap<>(LoginKind.class);
    private final Map<LoginKind, Map<String, Integer>> topFrames = new EnumMap<>(LoginKind.class);
    private final Map<LoginKind, Map<String, Integer>> ourMethods = new EnumMap<>(LoginKind.class);
    private final Map<LoginKind, Integer> logins = new EnumMap<>(LoginKind.class);

    private ServerProfile() {}

    /** Reads the recording the server wrote when it stopped, counting only samples taken during measured rounds. */
    static ServerProfile read(Path recording, List<RoundRunner.Round> rounds, List<KindResults.Summary> summaries)
            throws IOException {
        if (!Files.exists(recording)) {
            throw new IOException("no flight recording at " + recording + "; did the server stop cleanly?");
        }
        ServerProfile profile = new ServerProfile();
        summaries.forEach(summary -> profile.logins.put(summary.kind(), summary.logins()));
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                    kindAt(rounds, event.getStartTime())
                            .ifPresent(kind ->
                                    profile.count(kind, event.getStackTrace().getFrames()));
                }
            }
        }
        return profile;
    }

    private static Optional<LoginKind> kindAt(List<RoundRunner.Round> rounds, Instant time) {
        return rounds.stream()
                .filter(round -> !time.isBefore(round.start()) && time.isBefore(round.end()))
                .map(RoundRunner.Round::kind)
                .findFirst();
    }

    private void count(LoginKind kind, List<RecordedFrame> frames) {
        samples.merge(kind, 1, Integer::sum);
        List<String> methods = frames.stream()
                .filter(RecordedFrame::isJavaFrame)
                .map(frame -> frame.getMethod().getType().getName() + "."
                        + frame.getMethod().getName())
                .toList();
        if (!methods.isEmpty()) {
            topFrames.computeIfAbsent(kind, k -> new HashMap<>()).merge(methods.get(0), 1, Integer::sum);
        }
        methods.stream()
                .filter(method -> method.startsWith("io.github.twofa."))
                .distinct()
                .forEach(method ->
                        ourMethods.computeIfAbsent(kind, k -> new HashMap<>()).merge(method, 1, Integer::sum));
        for (Component component : COMPONENTS) {
            if (methods.stream().anyMatch(component.method())) {
                components.computeIfAbsent(kind, k -> new HashMap<>()).merge(component.label(), 1, Integer::sum);
            }
        }
    }

    /** Components by kind: samples per login, then each component's share of the samples. */
    List<List<String>> componentTable() {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("Server CPU samples during the measured rounds"));
        List<String> perLogin = new ArrayList<>(List.of("samples per login (10 ms each; relative CPU cost)"));
        for (LoginKind kind : LoginKind.values()) {
            header.add(kind.label());
            int logins = this.logins.getOrDefault(kind, 0);
            perLogin.add(
                    logins == 0
                            ? "–"
                            : String.format(Locale.ROOT, "%.1f", samples.getOrDefault(kind, 0) / (double) logins));
        }
        rows.add(header);
        rows.add(perLogin);
        for (Component component : COMPONENTS) {
            List<String> row = new ArrayList<>(List.of("… with " + component.label() + " on the stack"));
            for (LoginKind kind : LoginKind.values()) {
                row.add(share(
                        components.getOrDefault(kind, Map.of()).getOrDefault(component.label(), 0),
                        samples.getOrDefault(kind, 0)));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The hottest methods of a kind (where the samples were taken) and our methods the samples were in. */
    private List<String> hottest(Map<LoginKind, Map<String, Integer>> counts, LoginKind kind) {
        int total = samples.getOrDefault(kind, 0);
        return counts.getOrDefault(kind, Map.of()).entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(TOP_FRAMES)
                .map(entry -> share(entry.getValue(), total) + "  " + entry.getKey())
                .toList();
    }

    String text() {
        return render(ResultsReport::text, ":\n", line -> "  " + line + "\n");
    }

    String markdown() {
        return render(ResultsReport::markdown, ":\n\n", line -> "- `" + line + "`\n");
    }

    private String render(
            Function<List<List<String>>, String> table, String afterHeading, UnaryOperator<String> frameLine) {
        StringBuilder out = new StringBuilder(table.apply(componentTable()));
        for (LoginKind kind : LoginKind.values()) {
            out.append("\nTop frames, ").append(kind.label()).append(afterHeading);
            hottest(topFrames, kind).forEach(line -> out.append(frameLine.apply(line)));
            if (ourMethods.containsKey(kind)) {
                out.append("\nOur methods on the stack, ").append(kind.label()).append(afterHeading);
                hottest(ourMethods, kind).forEach(line -> out.append(frameLine.apply(line)));
            }
        }
        return out.toString();
    }

    private static String share(int part, int total) {
        return total == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * part / total);
    }
}
