package io.github.twofa.it.support;

import java.net.CookieHandler;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A cookie jar for a single test host. Keycloak marks its cookies {@code Secure}; browsers send those to
 * http://localhost (a secure context), but java.net.CookieManager does not, so this jar keeps them like a browser.
 */
public final class LocalhostCookies extends CookieHandler {

    private final Map<String, String> cookies = new ConcurrentHashMap<>();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        if (cookies.isEmpty()) {
            return Map.of();
        }
        return Map.of("Cookie", List.of(cookies.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "))));
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
        for (String attribute : attributes) {
            String a = attribute.trim().toLowerCase(java.util.Locale.ROOT);
            if (a.equals("max-age=0") || a.startsWith("expires=thu, 01 jan 1970") || a.startsWith("expires=thu, 01-jan-1970")) {
                expired = true;
            }
        }
        if (expired || nameValue.length < 2 || nameValue[1].isEmpty()) {
            cookies.remove(nameValue[0]);
        } else {
            cookies.put(nameValue[0], nameValue[1]);
        }
    }
}
