<?php
/**
 * Masks secrets in anything written to the WHMCS module log.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Redactor
{
    const MASK = '********';

    /** Keys whose values are never logged (case-insensitive); any key ending in "password" too. */
    const SECRET_KEY_PATTERN = '/(password|passwd|^pass$|secret|^_?sid$|synotoken|syno_token|x-syno-token|^token$|^did$|otp_code|device_id)$/i';

    /**
     * Replaces the values of secret keys with ******** at any depth; other values are kept.
     * @param mixed $data
     * @return mixed
     */
    public static function mask($data)
    {
        if (is_string($data)) {
            return self::maskQuery($data);
        }
        if (!is_array($data)) {
            return $data;
        }
        $out = array();
        foreach ($data as $key => $value) {
            if (is_string($key) && preg_match(self::SECRET_KEY_PATTERN, $key)) {
                $out[$key] = (is_string($value) && $value === '') ? '' : self::MASK;
            } else {
                $out[$key] = self::mask($value);
            }
        }
        return $out;
    }

    /**
     * Masks secret parameters in a form-encoded or query string (DSM requests arrive as
     * "api=…&passwd=…&_sid=…"): password=x, passwd=x, _sid=x, SynoToken=x, otp_code=x, device_id=x.
     * @param string $text
     */
    public static function maskQuery($text)
    {
        if (strpos($text, '=') === false) {
            return $text;
        }
        return (string) preg_replace(
            '/((?:^|[&?;\s])(?:[A-Za-z_]*password|passwd|_?sid|synotoken|x-syno-token|otp_code|device_id|device_name)=)("[^"]*"|[^&;\s]*)/i',
            '$1' . self::MASK, $text);
    }

    /**
     * Removes every occurrence of the given secret strings from a string (defence in depth: the daemon's
     * error messages should never contain them, but one message with a password must not leak).
     * @param string $text
     * @param string[] $secrets
     */
    public static function scrub($text, array $secrets)
    {
        foreach ($secrets as $secret) {
            if (is_string($secret) && $secret !== '') {
                $text = str_replace($secret, self::MASK, $text);
            }
        }
        return $text;
    }

    /** Non-empty unique strings, longest first (so that a secret containing another is replaced whole). */
    public static function secretList(array $values)
    {
        $list = array();
        foreach ($values as $value) {
            if ((is_string($value) || is_int($value)) && (string) $value !== '') {
                $list[(string) $value] = true;
            }
        }
        $list = array_keys($list);
        usort($list, function ($a, $b) {
            return strlen((string) $b) - strlen((string) $a);
        });
        return array_map('strval', $list);
    }
}
