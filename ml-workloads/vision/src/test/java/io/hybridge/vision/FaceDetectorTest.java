package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

class FaceDetectorTest {

    @BeforeAll
    static void natives() {
        OpenCvNatives.load();
    }

    private static Mat equalisedGrey(Mat colour) {
        Mat grey = new Mat();
        Imgproc.cvtColor(colour, grey, Imgproc.COLOR_BGR2GRAY);
        Imgproc.equalizeHist(grey, grey);
        return grey;
    }

    @Test
    void findsTheFaceInThePortrait() {
        Mat portrait = Imgcodecs.imread(Samples.portrait().toString());
        try (FaceDetector faces = new FaceDetector(Samples.cascade(), 1.1, 3, 24)) {
            List<Detection> found = faces.detect(equalisedGrey(portrait));

            assertThat(found).singleElement().satisfies(face -> {
                assertThat(face.kind()).isEqualTo(Detection.Kind.FACE);
                // the face fills the middle of the 102x114 crop, about 56 pixels wide
                assertThat(face.width()).isBetween(40, 80);
                assertThat(face.centreX()).isBetween(35, 65);
                assertThat(face.centreY()).isBetween(35, 70);
                assertThat(face.score()).isPresent();
            });
        }
    }

    @Test
    void findsNoFaceInAnEmptyWall() {
        try (FaceDetector faces = new FaceDetector(Samples.cascade(), 1.1, 3, 24)) {
            assertThat(faces.detect(new Mat(240, 320, CvType.CV_8UC1, new Scalar(128)))).isEmpty();
        }
    }

    @Test
    void aMissingCascadeIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.xml");
        assertThatThrownBy(() -> new FaceDetector(missing, 1.1, 3, 24))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void aFileThatIsNoCascadeIsNamed(@TempDir Path dir) throws IOException {
        Path notXml = Files.writeString(dir.resolve("notes.xml"), "shopping list");
        assertThatThrownBy(() -> new FaceDetector(notXml, 1.1, 3, 24))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notXml.toString()).hasMessageContaining("not an OpenCV cascade");
        Path emptyStorage = Files.writeString(dir.resolve("empty.xml"),
                "<?xml version=\"1.0\"?>\n<opencv_storage>\n</opencv_storage>\n");
        assertThatThrownBy(() -> new FaceDetector(emptyStorage, 1.1, 3, 24))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(emptyStorage.toString()).hasMessageContaining("not an OpenCV cascade");
    }
}
