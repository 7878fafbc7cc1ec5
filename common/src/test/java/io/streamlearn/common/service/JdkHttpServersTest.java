package io.streamlearn.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdkHttpServersTest {
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private String before;

    @BeforeEach
    void rememberProperty() {
        before = System.getProperty(NO_DELAY);
    }

    @AfterEach
    void restoreProperty() {
        if (before == null) {
            System.clearProperty(NO_DELAY);
        } else {
            System.setProperty(NO_DELAY, before);
        }
    }

    @Test
    void shouldTurnNagleOffWhenTheOperatorSaidNothing() {
        System.clearProperty(NO_DELAY);

        JdkHttpServers.configure();

        assertThat(System.getProperty(NO_DELAY)).isEqualTo("true");
    }

    @Test
    void shouldLeaveTheOperatorsChoice() {
        System.setProperty(NO_DELAY, "false");

        JdkHttpServers.configure();

        assertThat(System.getProperty(NO_DELAY)).isEqualTo("false");
    }
}
