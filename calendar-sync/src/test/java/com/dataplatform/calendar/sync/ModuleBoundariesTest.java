package com.dataplatform.calendar.sync;

import com.dataplatform.testsupport.SuiteArchitecture;
import org.junit.jupiter.api.Test;

class ModuleBoundariesTest {

    @Test
    void depends_on_no_other_service() {
        SuiteArchitecture.assertServiceIsIndependent("com.dataplatform.calendar.sync");
    }
}
