package io.github.twofa.it.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Input no code can be: other scripts' digits, megabyte strings, markup, control characters, injection attempts
 * and near misses. None of it is 6 ASCII digits or a backup code after normalising.
 */
public final class BadInputs {

    private BadInputs() {}

    public static List<String> strings() {
        List<String> inputs = new ArrayList<>(List.of(
                // digits that are not ASCII digits
                "١٢٣٤٥٦",
                "۱۲۳۴۵۶",
                "１２３４５６",
                "१२३४५६",
                "১২৩৪৫৬",
                "๑๒๓๔๕๖",
                "𝟏𝟐𝟑𝟒𝟓𝟔",
                "¹²³⁴⁵⁶",
                "①②③④⑤⑥",
                "12345６",
                "12345\u0661",
                // markup
                "<script>alert(1)</script>",
                "\"><img src=x onerror=alert(1)>",
                "<b>123456</b>",
                "&#49;23456",
                "javascript:alert(1)",
                "<!--",
                "]]>",
                // control characters and invisible ones
                "\u0000",
                "123\u0000456",
                "\r\n123456",
                "123456\n",
                "\t123456",
                "\u001b[31m123456",
                "\u007f",
                "\u202e654321",
                "\u200b123456",
                "\ufeff123456",
                "123456\u2028",
                "\ud800",
                "\udfff123456",
                // injection and template attempts
                "' OR '1'='1",
                "123456; DROP TABLE users",
                "%s%s%s%n",
                "${jndi:ldap://127.0.0.1/x}",
                "{{7*7}}",
                "${7*7}",
                "#{7*7}",
                "../../etc/passwd",
                "%00",
                "%2e%2e%2f",
                "\\u0031\\u0032",
                // numbers that are not codes
                "-123456",
                "+123456",
                "1e6",
                "0x1E240",
                "123456.0",
                "99999999999999999999",
                "12345",
                "1234567",
                "12 34 56 78 90 12",
                "0",
                "-0",
                // near misses of backup codes
                "ilouu-ilouu",
                "aaaaa_aaaaa",
                "-----------",
                "abcd-efgh",
                "abcde-fghjk-m",
                "ABCDE FGHJK MNPQR",
                "ÄÖÜßé-àèìòù",
                "\u212aaaaa-aaaaa",
                // emoji and other planes
                "😀😀😀😀😀😀",
                "🔑",
                "\u0301\u0301\u0301"));
        inputs.add("1".repeat(1_000_000));
        inputs.add("A".repeat(1_000_000));
        inputs.add("é".repeat(500_000));
        inputs.add("<".repeat(100_000));
        return inputs;
    }

    /** Bodies that are not the JSON object {"code": "..."}: wrong types, unknown fields, not JSON at all. */
    public static List<String> jsonBodies() {
        return List.of(
                "",
                " ",
                "null",
                "true",
                "123456",
                "\"123456\"",
                "[]",
                "[\"123456\"]",
                "{}",
                "{",
                "{\"code\":",
                "{\"code\":123456}",
                "{\"code\":null}",
                "{\"code\":true}",
                "{\"code\":[\"123456\"]}",
                "{\"code\":{\"value\":\"123456\"}}",
                "{\"code\":1.5e3}",
                "{\"code\":\"\"}",
                "{\"code\":\"   \"}",
                "{\"code\":\"123456\",\"extra\":1}",
                "{\"Code\":\"123456\"}",
                "{\"code\":\"1\",\"code\":\"123456\"}",
                "{\"code\":\"123456\"} trailing",
                "{'code':'123456'}",
                "code=123456",
                "<code>123456</code>",
                "\ufeff{\"code\":\"123456\"}",
                "[".repeat(5000),
                "{\"code\":\"" + "1".repeat(5000) + "\"}",
                "{\"<script>\":1}",
                "{\"" + "x".repeat(300) + "\":1}",
                "\u0000");
    }
}
