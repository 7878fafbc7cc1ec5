package io.streamlearn.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfigCommandTest {
    @Test
    void shouldListKeysOfExactlyTheSectionsThatSettingsAccepts() {
        List<String> names = ConfigCommand.allKeys().values().stream().flatMap(List::stream).map(ConfigKey::name)
                .toList();
        Set<String> sections = names.stream()
                .peek(name -> assertThat(name).startsWith(Settings.PREFIX))
                .map(name -> name.substring(Settings.PREFIX.length(), name.indexOf('.', Settings.PREFIX.length())))
                .collect(Collectors.toSet());

        assertThat(sections).isEqualTo(Settings.SECTIONS);
    }
}
