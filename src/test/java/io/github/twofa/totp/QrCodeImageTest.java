package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;

import io.github.twofa.it.support.QrCodes;
import org.junit.jupiter.api.Test;

class QrCodeImageTest {

    @Test
    void givenManyEnrolmentUris_whenDrawnAndScanned_thenEveryOneReadsBackExactly() throws Exception {
        for (int i = 0; i < 300; i++) {
            String uri = OtpAuthUri.of(
                    "Realm " + i + " Zürich: Prod",
                    "user." + i + "@example.org",
                    TotpSecret.generate(),
                    i % 2 == 0 ? TotpParameters.DEFAULT : new TotpParameters("HmacSHA256", 8, 60));

            String dataUri = QrCodeImage.pngDataUri(uri);

            assertTrue(dataUri.startsWith("data:image/png;base64,"));
            assertEquals(uri, QrCodes.decodeDataUri(dataUri), "QR " + i);
        }
    }

    @Test
    void givenUri_whenDrawn_thenModulesAreWholePixelsWithAQuietZoneAndAtLeast240Wide() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder()
                .decode(QrCodeImage.pngDataUri(
                                OtpAuthUri.of("ACME", "alice", TotpSecret.generate(), TotpParameters.DEFAULT))
                        .substring("data:image/png;base64,".length()))));

        assertTrue(image.getWidth() >= 240 && image.getWidth() == image.getHeight());
        for (int i = 0; i < 16; i++) {
            assertEquals(0xFFFFFFFF, image.getRGB(i, i), "quiet zone must be white");
        }
    }
}
