<?php
/**
 * The daemon's "server" object (docs/api.md) built from the WHMCS $params of a module call.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Server
{
    /**
     * @param array $params WHMCS module parameters
     * @return array {id, host, port, secure, username, password, verify_tls}
     */
    public static function fromParams(array $params)
    {
        $secure = self::flag(isset($params['serversecure']) ? $params['serversecure'] : false);
        $host = trim((string) (isset($params['serverhostname']) ? $params['serverhostname'] : ''));
        if ($host === '') {
            $host = trim((string) (isset($params['serverip']) ? $params['serverip'] : ''));
        }
        $port = isset($params['serverport']) ? (int) $params['serverport'] : 0;
        if ($port <= 0 || $port > 65535) {
            $port = $secure ? 5001 : 5000;
        }
        return array(
            'id' => isset($params['serverid']) ? (int) $params['serverid'] : 0,
            'host' => $host,
            'port' => $port,
            'secure' => $secure,
            'username' => (string) (isset($params['serverusername']) ? $params['serverusername'] : ''),
            'password' => (string) (isset($params['serverpassword']) ? $params['serverpassword'] : ''),
            'verify_tls' => self::verifyTls(isset($params['serveraccesshash']) ? $params['serveraccesshash'] : ''),
        );
    }

    /**
     * The server object, or an exception naming what is missing (no network call is made without a host).
     * @throws \InvalidArgumentException
     */
    public static function requireFromParams(array $params)
    {
        $server = self::fromParams($params);
        if ($server['host'] === '') {
            throw new \InvalidArgumentException(
                'No server is assigned (WHMCS passed no hostname or IP address): assign a PUQ Synology server'
                . ' to the service or to the product\'s server group.');
        }
        return $server;
    }

    /**
     * false only when the Access Hash has a line verify_tls=0 (or no, false, off); true otherwise.
     * @param mixed $accessHash
     */
    public static function verifyTls($accessHash)
    {
        $lines = preg_split('/[\r\n;]+/', (string) $accessHash);
        foreach ($lines as $line) {
            if (preg_match('/^\s*verify_tls\s*[=:]\s*(\S*)\s*$/i', $line, $m)) {
                return !in_array(strtolower($m[1]), array('0', 'no', 'false', 'off'), true);
            }
        }
        return true;
    }

    /** WHMCS passes serversecure as a bool; older code paths use "on" or "1". */
    public static function flag($value)
    {
        if (is_bool($value)) {
            return $value;
        }
        $value = strtolower(trim((string) $value));
        return !in_array($value, array('', '0', 'off', 'false', 'no'), true);
    }

    /** https://host:port of the DSM web interface (IPv6 literals bracketed). */
    public static function webUrl(array $server)
    {
        $host = $server['host'];
        if (strpos($host, ':') !== false && substr($host, 0, 1) !== '[') {
            $host = '[' . $host . ']';
        }
        return ($server['secure'] ? 'https' : 'http') . '://' . $host . ':' . $server['port'];
    }
}
