package io.github.twofa.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every word a person reads comes from the message bundles, and every bundle has every key: the templates hold no
 * text of their own, and each message key they use exists in English and German.
 */
class TemplateTextTest {

    private static final Path TEMPLATES = Path.of("themes", "templates");
    private static final Path MESSAGES = Path.of("themes", "messages");
    private static final Pattern MESSAGE_KEY =
            Pattern.compile("msg\\(\"([A-Za-z0-9_.-]+)\"|label=\"([A-Za-z0-9_.-]+)\"");

    @Test
    void givenEveryTemplate_thenNoTextIsWrittenOutsideTheMessageBundles() throws IOException {
        List<String> literal = new ArrayList<>();
        for (Path template : templates()) {
            String text = visibleText(Files.readString(template, StandardCharsets.UTF_8));
            if (text.matches("(?s).*\\p{L}.*")) {
                literal.add(template.getFileName() + ": " + text.strip());
            }
        }
        assertTrue(literal.isEmpty(), "text outside message bundles: " + literal);
    }

    @Test
    void givenEveryMessageKeyATemplateUses_thenEnglishAndGermanHaveIt() throws IOException {
        Properties english = bundle("messages_en.properties");
        Properties german = bundle("messages_de.properties");
        List<String> missing = new ArrayList<>();
        for (Path template : templates()) {
            Matcher key = MESSAGE_KEY.matcher(Files.readString(template, StandardCharsets.UTF_8));
            while (key.find()) {
                String name = key.group(1) != null ? key.group(1) : key.group(2);
                if (name.startsWith("twofa") && (!english.containsKey(name) || !german.containsKey(name))) {
                    missing.add(template.getFileName() + ": " + name);
                }
            }
        }
        assertTrue(missing.isEmpty(), "keys missing from a bundle: " + missing);
        assertEquals(english.keySet(), german.keySet(), "English and German have the same keys");
    }

    /** The template without FreeMarker, markup, comments, scripts and styles: what is left is literal text. */
    private static String visibleText(String template) {
        return template.replaceAll("(?s)<#--.*?-->", " ")
                .replaceAll("(?s)<!--.*?-->", " ")
                .replaceAll("(?s)<script.*?</script>", " ")
                .replaceAll("(?s)<style.*?</style>", " ")
                .replaceAll("(?s)\\$\\{[^}]*}", " ")
                .replaceAll("(?s)</?[#@][^>]*>", " ")
                .replaceAll("(?s)<[^>]*>", " ")
                .replaceAll("&[a-z]+;", " ")
                .replaceAll("[:;,.()]", " ");
    }

    private static List<Path> templates() throws IOException {
        try (Stream<Path> files = Files.walk(TEMPLATES)) {
            return files.filter(file -> file.toString().endsWith(".ftl"))
                    .sorted()
                    .toList();
        }
    }

    private static Properties bundle(String name) throws IOException {
        Properties properties = new Properties();
        try (Reader reader =
                new InputStreamReader(Files.newInputStream(MESSAGES.resolve(name)), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
