package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test server's database file read as an attacker with a copy of it would: as bytes. */
public final class DatabaseFile {

    private DatabaseFile() {}

    /** H2 writes committed pages shortly after the commit; waits until {@code marker} is on disk, then the whole file. */
    public static byte[] awaitContains(Path file, byte[] marker) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        byte[] content = Files.readAllBytes(file);
        while (!contains(content, marker) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            content = Files.readAllBytes(file);
        }
        assertTrue(contains(content, marker), "the row never reached the database file");
        return content;
    }

    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
