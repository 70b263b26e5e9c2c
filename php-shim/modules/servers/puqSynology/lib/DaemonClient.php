<?php
/**
 * HTTP client for puq-synologyd (docs/api.md): JSON over HTTP, every request signed with HMAC-SHA256.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class DaemonClient
{
    const CONFIG_HINT = 'check secret_file in modules/servers/puqSynology/config.php';

    /** @var string e.g. http://127.0.0.1:8733 (no trailing slash) */
    private $baseUrl;
    /** @var string */
    private $secretFile;
    /** @var int */
    private $timeout;
    /** @var int */
    private $connectTimeout;
    /** @var string|null read on first use */
    private $secret = null;

    /**
     * @param string $baseUrl
     * @param string $secretFile
     * @param int $timeout seconds for the whole call
     * @param int $connectTimeout seconds for the TCP connection
     */
    public function __construct($baseUrl, $secretFile, $timeout = 60, $connectTimeout = 5)
    {
        $this->baseUrl = rtrim((string) $baseUrl, '/');
        $this->secretFile = (string) $secretFile;
        $this->timeout = max(1, (int) $timeout);
        $this->connectTimeout = max(1, (int) $connectTimeout);
    }

    /** @return DaemonClient built from Config::load() */
    public static function fromConfig(array $config)
    {
        return new self($config['daemon_url'], $config['secret_file'], $config['timeout'], $config['connect_timeout']);
    }

    public function baseUrl()
    {
        return $this->baseUrl;
    }

    /**
     * The signature of docs/api.md: lower-case hex HMAC-SHA256 over
     * timestamp \n nonce \n METHOD \n path \n body.
     */
    public static function sign($secret, $timestamp, $nonce, $method, $path, $body)
    {
        $message = $timestamp . "\n" . $nonce . "\n" . strtoupper($method) . "\n" . $path . "\n" . $body;
        return hash_hmac('sha256', $message, $secret);
    }

    /** 32 random characters of [0-9a-f]. */
    public static function newNonce()
    {
        return bin2hex(random_bytes(16));
    }

    /**
     * The shared secret, trimmed.
     * @throws DaemonException when the file is missing, unreadable or empty
     */
    public function secret()
    {
        if ($this->secret !== null) {
            return $this->secret;
        }
        $file = $this->secretFile;
        if ($file === '') {
            throw new DaemonException('module_secret_unreadable',
                'No daemon secret file is configured: ' . self::CONFIG_HINT . '.');
        }
        if (!is_file($file)) {
            throw new DaemonException('module_secret_unreadable',
                'The daemon secret file ' . $file . ' does not exist: ' . self::CONFIG_HINT
                . ' (it must be the secret file of puq-synologyd).');
        }
        if (!is_readable($file)) {
            throw new DaemonException('module_secret_unreadable',
                'The daemon secret file ' . $file . ' is not readable by the web server user: '
                . self::CONFIG_HINT . ' and the file\'s owner, group and mode.');
        }
        $content = @file_get_contents($file);
        if ($content === false) {
            throw new DaemonException('module_secret_unreadable',
                'The daemon secret file ' . $file . ' could not be read: ' . self::CONFIG_HINT . '.');
        }
        $secret = trim($content);
        if ($secret === '') {
            throw new DaemonException('module_secret_unreadable',
                'The daemon secret file ' . $file . ' is empty: ' . self::CONFIG_HINT . '.');
        }
        $this->secret = $secret;
        return $secret;
    }

    /** The secret if it can be read, else null (used to mask it in logs; never throws). */
    public function secretOrNull()
    {
        try {
            return $this->secret();
        } catch (\Throwable $e) {
            return null;
        }
    }

    /**
     * @param string $path route, e.g. /v1/account/create
     * @param array $body JSON object to send
     * @param int|null $timeout seconds; null = the configured timeout
     * @return array the decoded answer (including dsm_calls when the route talks to DSM)
     * @throws DaemonException
     */
    public function post($path, array $body = array(), $timeout = null)
    {
        return $this->request('POST', $path, $body, $timeout);
    }

    /** @see post() */
    public function get($path, $timeout = null)
    {
        return $this->request('GET', $path, null, $timeout);
    }

    /**
     * @param string $method GET or POST
     * @param string $path
     * @param array|null $body null for GET
     * @param int|null $timeout
     * @return array
     * @throws DaemonException
     */
    public function request($method, $path, $body = null, $timeout = null)
    {
        // "overloaded" (HTTP 503) means the daemon's wait queue was full and the request was not run,
        // so it is safe to send again (signed anew). Anything else is returned or thrown as is.
        $delays = self::$overloadRetryDelaysMs;
        for ($attempt = 0; ; $attempt++) {
            try {
                return $this->requestOnce($method, $path, $body, $timeout);
            } catch (DaemonException $e) {
                if ($e->getErrorCode() !== 'overloaded' || $attempt >= count($delays)) {
                    throw $e;
                }
                usleep($delays[$attempt] * 1000);
            }
        }
    }

    /** @var int[] pauses before each resend of an "overloaded" request, in milliseconds */
    public static $overloadRetryDelaysMs = array(250, 500, 1000, 2000);

    /** One signed request; see request(). */
    private function requestOnce($method, $path, $body, $timeout)
    {
        $method = strtoupper((string) $method);
        $url = $this->baseUrl . $path;
        $parts = parse_url($url);
        if ($this->baseUrl === '' || !is_array($parts) || !isset($parts['scheme'], $parts['host'])
            || !in_array(strtolower($parts['scheme']), array('http', 'https'), true)) {
            throw new DaemonException('module_config_invalid',
                'The daemon address "' . $this->baseUrl . '" is not an http:// or https:// URL: check daemon_url in'
                . ' modules/servers/puqSynology/config.php.');
        }
        $signedPath = isset($parts['path']) && $parts['path'] !== '' ? $parts['path'] : '/';

        $raw = '';
        if ($method !== 'GET') {
            $raw = json_encode(empty($body) ? new \stdClass() : $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
            if ($raw === false) {
                throw new DaemonException('module_bad_request',
                    'The request to the daemon could not be encoded as JSON (' . json_last_error_msg()
                    . '); a value is probably not valid UTF-8.');
            }
        }

        $secret = $this->secret();
        if (!function_exists('curl_init')) {
            throw new DaemonException('module_no_curl',
                'The PHP curl extension is not installed; the puqSynology module needs it to reach the daemon.');
        }
        $timestamp = (string) time();
        $nonce = self::newNonce();
        $headers = array(
            'Content-Type: application/json',
            'Accept: application/json',
            'Expect:',
            'X-Puq-Timestamp: ' . $timestamp,
            'X-Puq-Nonce: ' . $nonce,
            'X-Puq-Signature: ' . self::sign($secret, $timestamp, $nonce, $method, $signedPath, $raw),
        );

        $curl = curl_init();
        $options = array(
            CURLOPT_URL => $url,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HEADER => false,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_CONNECTTIMEOUT => $this->connectTimeout,
            CURLOPT_TIMEOUT => $timeout === null ? $this->timeout : max(1, (int) $timeout),
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROXY => '',
            CURLOPT_USERAGENT => 'puqSynology-WHMCS-module',
        );
        if (defined('CURLOPT_PROTOCOLS')) {
            $options[CURLOPT_PROTOCOLS] = CURLPROTO_HTTP | CURLPROTO_HTTPS;
        }
        if ($method === 'GET') {
            $options[CURLOPT_HTTPGET] = true;
        } else {
            $options[CURLOPT_CUSTOMREQUEST] = $method;
            $options[CURLOPT_POSTFIELDS] = $raw;
        }
        curl_setopt_array($curl, $options);
        $answer = curl_exec($curl);
        $errno = curl_errno($curl);
        $error = curl_error($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_HTTP_CODE);
        $connectTime = (float) curl_getinfo($curl, CURLINFO_CONNECT_TIME);
        if (PHP_VERSION_ID < 80000) {
            curl_close($curl); // a no-op since PHP 8.0 (the handle is an object), deprecated in 8.5
        }
        unset($curl);

        if ($answer === false || $errno !== 0) {
            if ($errno === 28 && $connectTime > 0) {
                throw new DaemonException('daemon_timeout',
                    'The puqSynology daemon at ' . $this->baseUrl . ' did not answer ' . $method . ' ' . $path
                    . ' within ' . ($timeout === null ? $this->timeout : (int) $timeout) . ' seconds. The operation'
                    . ' may still finish in the background; check the daemon log, then retry (retries are safe).');
            }
            throw new DaemonException('daemon_unreachable',
                'The puqSynology daemon is not reachable at ' . $this->baseUrl . ': ' . ($error !== '' ? $error : 'no answer')
                . '. Is puq-synologyd running? (daemon_url in modules/servers/puqSynology/config.php)');
        }

        $decoded = json_decode((string) $answer, true);
        if (!is_array($decoded)) {
            throw new DaemonException('daemon_bad_response',
                'The puqSynology daemon at ' . $this->baseUrl . ' answered ' . $method . ' ' . $path . ' with HTTP '
                . $status . ' and a body that is not a JSON object: "' . self::excerpt((string) $answer)
                . '". Is daemon_url pointing at puq-synologyd?', $status);
        }
        if (isset($decoded['error'])) {
            $err = is_array($decoded['error']) ? $decoded['error'] : array('message' => (string) $decoded['error']);
            $code = isset($err['code']) && is_scalar($err['code']) ? (string) $err['code'] : 'daemon_error';
            $message = isset($err['message']) && is_scalar($err['message']) && (string) $err['message'] !== ''
                ? (string) $err['message']
                : 'The puqSynology daemon reported an error (' . $code . ', HTTP ' . $status . ') without a message.';
            throw new DaemonException($code, $message, $status, $decoded);
        }
        if ($status < 200 || $status >= 300) {
            throw new DaemonException('daemon_bad_response',
                'The puqSynology daemon answered ' . $method . ' ' . $path . ' with HTTP ' . $status
                . ' and no error message.', $status, $decoded);
        }
        return $decoded;
    }

    /** First 200 printable characters of an unexpected answer, for an error message. */
    private static function excerpt($text)
    {
        $text = preg_replace('/[^\x20-\x7E]+/', ' ', $text);
        $text = trim((string) $text);
        if (strlen($text) > 200) {
            $text = substr($text, 0, 200) . '...';
        }
        return $text;
    }
}
