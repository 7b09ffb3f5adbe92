package io.github.twofa.it.support;

import java.net.CookieHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A cookie jar for a single test host. Keycloak marks its cookies {@code Secure}; browsers send those to
 * http://localhost (a secure context), but java.net.CookieManager does not, so this jar keeps them like a browser.
 * Cookies are kept per path, as a browser does: two realms of one server each have their own login cookies of the
 * same names (a login through another realm as identity provider needs both).
 */
public final class LocalhostCookies extends CookieHandler {

    private record Key(String path, String name) {}

    private final Map<Key, String> cookies = new ConcurrentHashMap<>();

    /** The value of the cookie {@code name} (of any path), or null. */
    public String value(String name) {
        return cookies.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    /** The names of the cookies held. */
    public java.util.Set<String> names() {
        return cookies.keySet().stream().map(Key::name).collect(Collectors.toSet());
    }

    /** Sets a cookie as a browser would have stored it (e.g. one copied from another browser). */
    public void set(String path, String name, String value) {
        cookies.put(new Key(path, name), value);
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        String requestPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        String header = cookies.entrySet().stream()
                .filter(e -> pathMatches(requestPath, e.getKey().path()))
                .sorted((a, b) -> b.getKey().path().length() - a.getKey().path().length())
                .map(e -> e.getKey().name() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
        return header.isEmpty() ? Map.of() : Map.of("Cookie", List.of(header));
    }

    /** RFC 6265 section 5.1.4. */
    private static boolean pathMatches(String requestPath, String cookiePath) {
        return requestPath.equals(cookiePath)
                || requestPath.startsWith(cookiePath)
                        && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((header, values) -> {
            if ("set-cookie".equalsIgnoreCase(header)) {
                values.forEach(this::store);
            }
        });
    }

    private void store(String setCookie) {
        String[] attributes = setCookie.split(";");
        String[] nameValue = attributes[0].trim().split("=", 2);
        boolean expired = false;
        String path = "/";
        for (String attribute : attributes) {
            String a = attribute.trim().toLowerCase(Locale.ROOT);
            if (a.equals("max-age=0")
                    || a.startsWith("expires=thu, 01 jan 1970")
                    || a.startsWith("expires=thu, 01-jan-1970")) {
                expired = true;
            }
            if (a.startsWith("path=") && a.length() > 5) {
                path = attribute.trim().substring(5);
            }
        }
        Key key = new Key(path, nameValue[0]);
        if (expired || nameValue.length < 2 || nameValue[1].isEmpty()) {
            cookies.remove(key);
        } else {
            cookies.put(key, nameValue[1]);
        }
    }
}
