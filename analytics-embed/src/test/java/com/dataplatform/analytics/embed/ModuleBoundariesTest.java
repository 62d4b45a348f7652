package com.dataplatform.analytics.embed;

import com.dataplatform.testsupport.SuiteArchitecture;
import org.junit.jupiter.api.Test;

class ModuleBoundariesTest {

    @Test
    void depends_on_no_other_service() {
        SuiteArchitecture.assertServiceIsIndependent("com.dataplatform.analytics.embed");
    }
}
