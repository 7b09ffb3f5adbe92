package io.github.twofa.it.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

/** Reads a QR code out of a PNG data URI the way a phone camera would: from the pixels. */
public final class QrCodes {

    private QrCodes() {}

    public static String decodeDataUri(String dataUri) {
        String prefix = "data:image/png;base64,";
        if (!dataUri.startsWith(prefix)) {
            throw new IllegalArgumentException(
                    "Not an inline PNG: " + dataUri.substring(0, Math.min(40, dataUri.length())));
        }
        try {
            return decode(ImageIO.read(
                    new ByteArrayInputStream(Base64.getDecoder().decode(dataUri.substring(prefix.length())))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * zxing's finder-pattern search, as in a camera app, first; zxing misses the finder patterns of a few perfectly
     * good codes (zbar reads those), so a clean image is then read as the pure barcode it is.
     */
    public static String decode(BufferedImage image) {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        try {
            return new QRCodeReader()
                    .decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE))
                    .getText();
        } catch (NotFoundException | ChecksumException | FormatException notFound) {
            try {
                return new QRCodeReader()
                        .decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                        .getText();
            } catch (NotFoundException | ChecksumException | FormatException e) {
                throw new IllegalStateException("No readable QR code in the image", e);
            }
        }
    }
}
