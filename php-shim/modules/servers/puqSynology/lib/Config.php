<?php
/**
 * Module configuration: config.php beside the module, then environment overrides.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Config
{
    const DEFAULTS = array(
        'daemon_url' => 'http://127.0.0.1:8733',
        'secret_file' => '/etc/puq-synologyd/secret',
        'timeout' => 60,
        'connect_timeout' => 5,
        'usage_timeout' => 300,
    );

    /** Environment variable => config key; a non-empty variable wins over config.php. */
    const ENV_OVERRIDES = array(
        'PUQ_DAEMON_URL' => 'daemon_url',
        'PUQ_SECRET_FILE' => 'secret_file',
    );

    /**
     * @param string|null $file path of config.php; null = the one beside the module
     * @return array the effective settings (every key of DEFAULTS present)
     * @throws DaemonException when config.php exists but does not return an array
     */
    public static function load($file = null)
    {
        if ($file === null) {
            $file = dirname(__DIR__) . '/config.php';
        }
        $config = self::DEFAULTS;
        if (is_file($file)) {
            $loaded = include $file;
            if (!is_array($loaded)) {
                throw new DaemonException(
                    'module_config_invalid',
                    'modules/servers/puqSynology/config.php must return an array (see config.example.php).'
                );
            }
            foreach ($loaded as $key => $value) {
                if (array_key_exists($key, $config) && $value !== null && $value !== '') {
                    $config[$key] = $value;
                }
            }
        }
        foreach (self::ENV_OVERRIDES as $env => $key) {
            $value = getenv($env);
            if ($value !== false && $value !== '') {
                $config[$key] = $value;
            }
        }
        $config['daemon_url'] = rtrim(trim((string) $config['daemon_url']), '/');
        $config['secret_file'] = trim((string) $config['secret_file']);
        foreach (array('timeout', 'connect_timeout', 'usage_timeout') as $key) {
            $seconds = (int) $config[$key];
            $config[$key] = $seconds > 0 ? $seconds : self::DEFAULTS[$key];
        }
        return $config;
    }
}
