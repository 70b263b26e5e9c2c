<?php
/**
 * What every module function shares: building the client, calling the daemon, writing the module log.
 * No business logic lives here: the daemon decides everything, the module forwards and reports.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Module
{
    const NAME = 'puqSynology';

    /** @var string[] extra strings to scrub for the rest of this PHP request (a password the daemon returned) */
    private static $extraSecrets = array();

    /** @return DaemonClient configured from config.php and the environment */
    public static function client()
    {
        return DaemonClient::fromConfig(Config::load());
    }

    /** @return array the effective configuration */
    public static function config()
    {
        return Config::load();
    }

    /**
     * The service id of $params, or an exception (no network call happens without one).
     * @throws \InvalidArgumentException
     */
    public static function requireServiceId(array $params)
    {
        $id = isset($params['serviceid']) ? (int) $params['serviceid'] : 0;
        if ($id <= 0) {
            throw new \InvalidArgumentException('WHMCS passed no service id to the puqSynology module.');
        }
        return $id;
    }

    /** Registers a value that must never reach the module log (for example a password the daemon created). */
    public static function addSecret($value)
    {
        if (is_string($value) && $value !== '') {
            self::$extraSecrets[] = $value;
        }
    }

    /**
     * The strings WHMCS must scrub from this call's log entries: server password, service password, the
     * daemon secret and any registered value.
     */
    public static function replaceVars(array $params, $client = null)
    {
        $values = array(
            isset($params['serverpassword']) ? $params['serverpassword'] : '',
            isset($params['password']) ? $params['password'] : '',
        );
        if ($client instanceof DaemonClient) {
            $values[] = $client->secretOrNull();
        } else {
            try {
                $values[] = self::client()->secretOrNull();
            } catch (\Throwable $e) {
                // configuration unusable: nothing more to mask
            }
        }
        return Redactor::secretList(array_merge($values, self::$extraSecrets));
    }

    /**
     * Sends one request to the daemon and writes the module log: one entry for the call (action = the WHMCS
     * function) and one per DSM request the daemon reports in dsm_calls.
     *
     * @param string $action WHMCS function name, e.g. CreateAccount
     * @param array $params WHMCS module parameters (for the values to scrub)
     * @param string $path daemon route
     * @param array $body request body
     * @param int|null $timeout seconds; null = configured timeout
     * @return array the daemon's answer
     * @throws DaemonException
     */
    public static function call($action, array $params, $path, array $body, $timeout = null)
    {
        $client = self::client();
        $replace = self::replaceVars($params, $client);
        $request = array(
            'method' => 'POST',
            'url' => $client->baseUrl() . $path,
            'body' => Redactor::mask($body),
        );
        try {
            $answer = $client->post($path, $body, $timeout);
        } catch (DaemonException $e) {
            $response = $e->getResponse();
            if (empty($response)) {
                $response = array('error' => array('code' => $e->getErrorCode(), 'message' => $e->getMessage()));
            }
            self::logDsmCalls($e->getDsmCalls(), $replace);
            self::log($action, $request, self::withoutDsmCalls($response), 'Error: ' . $e->getMessage(), $replace);
            $e->markLogged();
            throw $e;
        }
        if (isset($answer['password']) && is_string($answer['password'])) {
            self::addSecret($answer['password']);
            $replace = Redactor::secretList(array_merge($replace, array($answer['password'])));
        }
        $calls = isset($answer['dsm_calls']) && is_array($answer['dsm_calls']) ? $answer['dsm_calls'] : array();
        self::logDsmCalls($calls, $replace);
        $processed = self::withoutDsmCalls($answer);
        self::log($action, $request, $processed, $processed, $replace);
        return $answer;
    }

    /**
     * Forwards one service action {server, service_id, ...extra} and returns "success" or the error message.
     */
    public static function forward($action, $path, array $params, array $extra = array())
    {
        try {
            $serviceId = self::requireServiceId($params);
            $server = Server::requireFromParams($params);
            self::call($action, $params, $path, array_merge(array('server' => $server, 'service_id' => $serviceId), $extra));
            return 'success';
        } catch (\Throwable $e) {
            return self::fail($action, $params, $e);
        }
    }

    /** The DSM user's state in words, from the daemon's info answer (exists; expired = normal | now | a date). */
    public static function dsmState(array $info)
    {
        if (isset($info['exists']) && $info['exists'] === false) {
            return 'Not found on the NAS';
        }
        $expired = isset($info['expired']) && is_scalar($info['expired']) ? trim((string) $info['expired']) : '';
        if ($expired === '') {
            return '';
        }
        if (strtolower($expired) === 'normal') {
            return 'Active';
        }
        if (strtolower($expired) === 'now') {
            return 'Suspended (account expired)';
        }
        return 'Expires ' . $expired;
    }

    /** HTML-escapes a value for the admin services tab. */
    public static function escape($value)
    {
        return htmlspecialchars(is_scalar($value) ? (string) $value : '', ENT_QUOTES, 'UTF-8');
    }

    /**
     * Writes a failure that did not come from a logged daemon call (a missing parameter, an unreadable secret
     * file, a localAPI error) and returns the message to show.
     */
    public static function fail($action, array $params, \Throwable $e)
    {
        $message = self::message($e, $params);
        if (!($e instanceof DaemonException && $e->isLogged())) {
            $request = array(
                'serviceid' => isset($params['serviceid']) ? $params['serviceid'] : null,
                'serverid' => isset($params['serverid']) ? $params['serverid'] : null,
            );
            $code = $e instanceof DaemonException ? $e->getErrorCode() : get_class($e);
            self::log($action, $request, array('error' => array('code' => $code, 'message' => $message)),
                'Error: ' . $message, self::replaceVars($params));
        }
        return $message;
    }

    /** A readable message for the admin, with no secret in it. */
    public static function message(\Throwable $e, array $params = array())
    {
        $message = trim($e->getMessage());
        if ($message === '') {
            $message = 'Unexpected ' . get_class($e) . ' in the puqSynology module.';
        }
        return Redactor::scrub($message, self::replaceVars($params));
    }

    /** logModuleCall when WHMCS provides it; the request and response are masked before they leave here. */
    public static function log($action, $request, $response, $processed, array $replaceVars)
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        try {
            logModuleCall(self::NAME, $action, Redactor::mask($request), Redactor::mask($response),
                Redactor::mask($processed), $replaceVars);
        } catch (\Throwable $e) {
            // the module log must never break a module call
        }
    }

    /** One log entry per DSM request: action "DSM <api>.<method>". */
    public static function logDsmCalls(array $calls, array $replaceVars)
    {
        foreach ($calls as $call) {
            if (!is_array($call)) {
                continue;
            }
            $api = isset($call['api']) ? (string) $call['api'] : '?';
            $method = isset($call['method']) ? (string) $call['method'] : '?';
            $processed = array();
            foreach (array('version', 'http_status', 'elapsed_ms') as $key) {
                if (isset($call[$key])) {
                    $processed[$key] = $call[$key];
                }
            }
            self::log('DSM ' . $api . '.' . $method,
                isset($call['request']) ? $call['request'] : array(),
                isset($call['response']) ? $call['response'] : array(),
                $processed, $replaceVars);
        }
    }

    private static function withoutDsmCalls(array $answer)
    {
        if (isset($answer['dsm_calls']) && is_array($answer['dsm_calls'])) {
            $answer['dsm_calls'] = count($answer['dsm_calls']) . ' DSM request(s), logged as separate entries';
        }
        return $answer;
    }

    /** The module's language strings (lang/english.php), used by the templates. */
    public static function lang(array $params = array(), $admin = false)
    {
        $language = self::language($params, $admin);
        $texts = self::loadLangFile('english');
        if ($language !== 'english') {
            // English first: a key a translation lacks still has a text.
            $texts = array_merge($texts, self::loadLangFile($language));
        }
        return $texts;
    }

    /**
     * The language to show. Client area: the client's own setting (WHMCS passes it in clientsdetails),
     * else the session's (a visitor who picked one). Admin area ($admin): the admin's (the session's
     * adminlang), never the client's. Then the system default, then english. Only names of the shipped
     * files are used; anything else (unknown, or a path) falls back to english.
     */
    public static function language(array $params = array(), $admin = false)
    {
        $candidates = array();
        if ($admin) {
            if (isset($_SESSION['adminlang'])) {
                $candidates[] = $_SESSION['adminlang'];
            }
        } else {
            if (isset($params['clientsdetails']['language'])) {
                $candidates[] = $params['clientsdetails']['language'];
            }
            if (isset($_SESSION['Language'])) {
                $candidates[] = $_SESSION['Language'];
            }
        }
        if (isset($GLOBALS['CONFIG']['Language'])) {
            $candidates[] = $GLOBALS['CONFIG']['Language'];
        }
        foreach ($candidates as $candidate) {
            $name = strtolower(trim((string) $candidate));
            if ($name !== '' && preg_match('/^[a-z_-]+$/', $name) && is_file(dirname(__DIR__) . '/lang/' . $name . '.php')) {
                return $name;
            }
        }
        return 'english';
    }

    /** The $_LANG of lang/$language.php (a checked name), in a scope of its own. */
    private static function loadLangFile($language)
    {
        $_LANG = array();
        $file = dirname(__DIR__) . '/lang/' . $language . '.php';
        if (is_file($file)) {
            include $file;
        }
        return is_array($_LANG) ? $_LANG : array();
    }

    /** WHMCS\Service\Status::ACTIVE / ::SUSPENDED inside WHMCS; their values 'Active' / 'Suspended' elsewhere. */
    public static function serviceStatus($name)
    {
        $constant = 'WHMCS\\Service\\Status::' . $name;
        if (defined($constant)) {
            return constant($constant);
        }
        return $name === 'SUSPENDED' ? 'Suspended' : 'Active';
    }
}
