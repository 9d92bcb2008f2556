package org.cpmft.pf.config;

/**
 * A configuration value is missing, unknown or invalid. The message is one line that names the
 * key (as {@code section.key}) and the problem, so it can be printed as is by the CLI.
 */
public class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(oneLine(key == null ? problem : key + ": " + problem));
        this.key = key;
    }

    public ConfigException(String key, String problem, Throwable cause) {
        super(oneLine(key == null ? problem : key + ": " + problem), cause);
        this.key = key;
    }

    /** The offending key as {@code section.key}, or {@code null} when the file as a whole is at fault. */
    public String key() {
        return key;
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
