package io.github.twofa.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.twofa.bench.SoakAttempt.Verdict;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.LocalhostCookies;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The soak's browser: full authorization-code + PKCE logins, each request to the next node in turn (no sticky
 * sessions) and a node that refuses connections passed over, as {@link VirtualBrowser} does. Unlike that one it types
 * the code its caller chooses (a replay, a wrong one), can send the code to a node of the caller's choosing, and
 * tells what became of the code; whatever the servers do, the answer is a {@link SoakAttempt}, never an exception.
 */
final class SoakBrowser {

    /** A code to type: an app code with its time step, or a backup code with its place in the list. */
    record Code(String value, long step, int backupCode) {}

    /** The server's answer to a code, and the page or redirect it came with (null when none came). */
    record Answer(Verdict verdict, Landing landing, String node, int status, long at, String message) {}

    /** Any node: the one whose turn it is. */
    static final int ANY_NODE = -1;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String PASSWORD_FORM = "#kc-form-login";
    private static final String NOTICE_FORM = "#twofa-backup-codes-notice-form";
    /** The start of the message twofaBusy, the one refusal that is neither a wrong code nor a lockout. */
    private static final String BUSY_TEXT = "Another sign-in with your codes is under way";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();
    private final List<URI> nodes;
    private final List<String> names;
    private int turn;
    private String lastNode;
    private LocalhostCookies cookies = new LocalhostCookies();
    private String verifier = "";
    private String state = "";

    /** @param firstTurn the node (by index) the first request goes to */
    SoakBrowser(List<String> baseUrls, List<String> names, int firstTurn) {
        this.nodes = baseUrls.stream().map(URI::create).toList();
        this.names = List.copyOf(names);
        this.turn = firstTurn;
    }

    /** The index of the node after {@code node} (by name), or any node when it is not known. */
    int otherNode(String node) {
        int index = names.indexOf(node);
        return index < 0 ? ANY_NODE : (index + 1) % names.size();
    }

    /** A whole login: the code page, the code {@code code} supplies there (sent to {@code codeNode}), the rest. */
    SoakAttempt logIn(SoakAttempt.Purpose purpose, LoginKind kind, BenchUser user, Supplier<Code> code, int codeNode)
            throws InterruptedException {
        long started = System.currentTimeMillis();
        Landing page;
        try {
            page = openCodePage(kind, user);
        } catch (LoginFailure | IOException e) {
            return notSent(started, purpose, kind, user, e);
        }
        Code typed = code.get();
        Answer answer = sendCode(kind, page, typed.value(), codeNode);
        if (answer.verdict() == Verdict.ACCEPTED) {
            answer = finish(kind, answer);
        }
        return SoakAttempt.answered(started, purpose, kind, user.id(), typed, answer);
    }

    /** The line of the client log for a login that failed before its code could be sent (on the last node asked). */
    SoakAttempt notSent(long started, SoakAttempt.Purpose purpose, LoginKind kind, BenchUser user, Exception failure) {
        return SoakAttempt.notSent(
                started, purpose, kind, user.id(), describe(failure).trim() + " (" + lastNode + ")");
    }

    /** A fresh login (no cookies) up to the page that asks for the second factor. */
    Landing openCodePage(LoginKind kind, BenchUser user) throws LoginFailure, IOException, InterruptedException {
        cookies = new LocalhostCookies();
        verifier = VirtualBrowser.randomUrlSafe(32);
        state = VirtualBrowser.randomUrlSafe(8);
        Landing loginPage = follow(
                send(HttpRequest.newBuilder(authorizationUrl(kind.realm())).GET(), ANY_NODE));
        Document passwordPage = loginPage.page(PASSWORD_FORM);
        Landing codePage = follow(post(
                passwordPage.selectFirst(PASSWORD_FORM),
                Map.of("username", user.username(), "password", BenchUser.PASSWORD),
                ANY_NODE));
        codePage.page(codeForm(kind));
        return codePage;
    }

    /** Types {@code code} on {@code page} (a code page, or the refusal of an earlier code) and sends it. */
    Answer sendCode(LoginKind kind, Landing page, String code, int node) throws InterruptedException {
        Element form = Jsoup.parse(page.body(), page.uri().toString()).selectFirst(codeForm(kind));
        if (form == null) {
            return new Answer(Verdict.ERROR, null, null, 0, System.currentTimeMillis(), "no code form to type in");
        }
        try {
            return classify(kind, post(form, Map.of(codeField(kind), code), node));
        } catch (IOException e) {
            return new Answer(Verdict.ERROR, null, lastNode, 0, System.currentTimeMillis(), describe(e));
        }
    }

    /** What the answer to a code says about it. */
    private Answer classify(LoginKind kind, Landing landing) {
        long at = System.currentTimeMillis();
        // Past the code: straight to the client, or to a page after the step (e.g. how many backup codes are left).
        if (landing.isAtClient()
                || landing.isRedirect() && landing.next().getPath().contains("/login-actions/required-action")) {
            return new Answer(Verdict.ACCEPTED, landing, lastNode, landing.status(), at, null);
        }
        Document page = landing.isRedirect()
                ? null
                : Jsoup.parse(landing.body(), landing.uri().toString());
        boolean codePage = page != null && page.selectFirst(codeForm(kind)) != null;
        Verdict verdict = Verdict.ERROR;
        if (codePage && landing.status() == 429) {
            verdict = Verdict.LOCKED;
        } else if (codePage && landing.status() == 400 && page.text().contains(BUSY_TEXT)) {
            verdict = Verdict.BUSY;
        } else if (codePage && (landing.status() == 400 || kind.realm().equals(BenchRealms.BUILTIN))) {
            verdict = Verdict.REFUSED;
        }
        String message = verdict != Verdict.ERROR
                ? null
                : landing.isRedirect()
                        ? "code answered with a redirect to " + landing.next().getPath()
                        : "code answered HTTP " + landing.status() + " " + (page == null ? "" : page.title())
                                + (page != null && page.selectFirst(PASSWORD_FORM) != null
                                        ? " (login started over)"
                                        : "");
        return new Answer(verdict, landing, lastNode, landing.status(), at, message);
    }

    /** After an accepted code, the rest of the login: the backup-code notice where there is one, then the tokens. */
    Answer finish(LoginKind kind, Answer accepted) throws InterruptedException {
        try {
            Landing landing = follow(accepted.landing());
            if (!landing.isAtClient()) {
                Document notice = landing.page(NOTICE_FORM);
                landing = follow(post(notice.selectFirst(NOTICE_FORM), Map.of("action", "continue"), ANY_NODE));
            }
            String code = landing.authorizationCode(state);
            tokens(kind.realm(), code).expectTokens();
            return accepted;
        } catch (LoginFailure | IOException e) {
            return new Answer(
                    Verdict.ACCEPTED_UNFINISHED,
                    accepted.landing(),
                    accepted.node(),
                    accepted.status(),
                    accepted.at(),
                    describe(e));
        }
    }

    private Landing tokens(String realm, String code) throws IOException, InterruptedException {
        return send(VirtualBrowser.tokenRequest(nodes.get(0).toString(), realm, code, verifier), ANY_NODE);
    }

    private URI authorizationUrl(String realm) {
        return URI.create(VirtualBrowser.authorizationUrl(nodes.get(0).toString(), realm, state, verifier));
    }

    /** Posts {@code form} with its hidden fields and {@code fields}; Keycloak's answer, not followed. */
    private Landing post(Element form, Map<String, String> fields, int node) throws IOException, InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(input -> values.put(input.attr("name"), input.attr("value")));
        values.putAll(fields);
        return send(
                HttpRequest.newBuilder(URI.create(form.attr("abs:action")))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.form(values))),
                node);
    }

    /** Follows redirects inside Keycloak, as a browser does, up to a page or the redirect to the client. */
    private Landing follow(Landing landing) throws IOException, InterruptedException {
        while (landing.isRedirect() && !landing.isAtClient()) {
            landing = send(HttpRequest.newBuilder(landing.next()).GET(), ANY_NODE);
        }
        return landing;
    }

    /**
     * Sends the request to {@code node}, or to the node whose turn it is; a node that refuses the connection (it is
     * down) is passed over for the next, as a load balancer does, so only requests a node took are lost.
     */
    private Landing send(HttpRequest.Builder request, int node) throws IOException, InterruptedException {
        URI uri = request.build().uri();
        cookies.get(uri, Map.of()).getOrDefault("Cookie", List.of()).forEach(c -> request.header("Cookie", c));
        int first = node >= 0 ? node : Math.floorMod(turn++, nodes.size());
        for (int tries = 1; ; tries++) {
            int target = (first + tries - 1) % nodes.size();
            lastNode = names.get(target);
            URI base = nodes.get(target);
            URI routed = URI.create(base.getScheme() + "://" + base.getRawAuthority() + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            try {
                HttpResponse<String> response = http.send(
                        request.uri(routed).timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                cookies.put(response.uri(), response.headers().map());
                return Landing.of(response);
            } catch (ConnectException down) {
                if (tries >= nodes.size()) {
                    throw down;
                }
            }
        }
    }

    private static String codeForm(LoginKind kind) {
        return kind.realm().equals(BenchRealms.BUILTIN) ? "#kc-otp-login-form" : "#twofa-login-form";
    }

    private static String codeField(LoginKind kind) {
        return kind.realm().equals(BenchRealms.BUILTIN) ? "otp" : "code";
    }

    /** What went wrong, in a few words and without any input. */
    private static String describe(Exception e) {
        if (e instanceof LoginFailure) {
            return e.getMessage();
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
