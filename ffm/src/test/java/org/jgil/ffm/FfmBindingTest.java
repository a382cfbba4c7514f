package org.jgil.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jgil.Gil;
import org.jgil.kernels.Kernel;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every registry kernel through FFM: the same inputs and results as through JNI, in every mode. */
class FfmBindingTest {
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"HELD", "RELEASED", "AUTO", "JAVA"})
    void everyKernelAgreesWithItsJniBinding(Mode mode) {
        Workload.Params small = new Workload.Params(64, 50, 7);
        Gil.run(() -> {
            for (Kernel jni : Kernels.all()) {
                Kernel ffm = FfmBinding.of(jni);
                assertEquals(jni.name(), ffm.name());
                double viaFfm = ffm.prepare(small).run(mode);
                if (jni.name().equals("spin")) {
                    continue; // each binding calibrates its own iteration count: equal only by chance
                }
                assertEquals(jni.prepare(small).run(mode), viaFfm, jni.name() + " in " + mode);
            }
        });
        assertThrows(NullPointerException.class, () -> FfmBinding.of(null));
    }
}
