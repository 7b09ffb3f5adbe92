package io.github.twofa.trust;

import java.util.List;
import java.util.Locale;

/**
 * "Firefox on Windows" from a User-Agent header: enough for a person to recognise their own browser in a list, no
 * more (versions, devices and build strings are left out, and nothing of the header is shown as it came).
 */
public final class UserAgentSummary {

    private record Rule(String token, String name) {}

    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    private static final List<Rule> BROWSERS = List.of(
            new Rule("edg/", "Edge"),
            new Rule("opr/", "Opera"),
            new Rule("firefox/", "Firefox"),
            new Rule("fxios/", "Firefox"),
            new Rule("chromium/", "Chromium"),
            new Rule("crios/", "Chrome"),
            new Rule("chrome/", "Chrome"),
            new Rule("safari/", "Safari"));

    private static final List<Rule> SYSTEMS = List.of(
            new Rule("android", "Android"),
            new Rule("iphone", "iOS"),
            new Rule("ipad", "iPadOS"),
            new Rule("windows", "Windows"),
            new Rule("mac os x", "macOS"),
            new Rule("cros", "ChromeOS"),
            new Rule("linux", "Linux"));

    private UserAgentSummary() {}

    public static String of(String userAgent) {
        String ua = userAgent == null ? "" : userAgent.toLowerCase(Locale.ROOT);
        String browser = first(BROWSERS, ua, "A browser");
        String system = first(SYSTEMS, ua, null);
        return system == null ? browser : browser + " on " + system;
    }

    private static String first(List<Rule> rules, String ua, String fallback) {
        return rules.stream()
                .filter(rule -> ua.contains(rule.token()))
                .map(Rule::name)
                .findFirst()
                .orElse(fallback);
    }
}
