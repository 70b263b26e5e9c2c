<?php
/**
 * php74-compat: fails on PHP code that does not run on every PHP from 7.4 to 8.2.
 *
 * The WHMCS module must run on PHP 7.4 (old WHMCS installs) and on 8.x. This checker tokenises each file with
 * the running PHP (token_get_all, TOKEN_PARSE) and reports:
 *   - PHP 8.0+ syntax: match, nullsafe ?->, attributes #[...], named arguments, union/mixed/static/never/
 *     null/false/true types, constructor property promotion, throw expressions, non-capturing catch,
 *     $object::class, trailing commas in parameter and closure-use lists;
 *   - PHP 8.1+ syntax: enum, readonly, first-class callables f(...), intersection types, new in initializers,
 *     0o octal literals;
 *   - calls of functions and uses of classes that PHP 7.4 does not have (str_contains, ValueError, ...);
 *   - functions removed in PHP 8 or deprecated by 8.2 (each, create_function, utf8_encode, ...).
 *
 * Usage: php tools/php74-compat.php [file-or-directory ...]
 *        (default: php-shim/modules/servers/puqSynology)
 * Exit status: 0 no finding, 1 findings (one "file:line: message" per line), 2 usage or read error.
 */

const PUQ_COMPAT_NEW_FUNCTIONS = array(
    // 8.0
    'str_contains' => '8.0', 'str_starts_with' => '8.0', 'str_ends_with' => '8.0', 'get_debug_type' => '8.0',
    'get_resource_id' => '8.0', 'fdiv' => '8.0', 'preg_last_error_msg' => '8.0',
    // 8.1
    'array_is_list' => '8.1', 'enum_exists' => '8.1', 'fsync' => '8.1', 'fdatasync' => '8.1',
    // 8.2
    'ini_parse_quantity' => '8.2', 'memory_reset_peak_usage' => '8.2', 'mysqli_execute_query' => '8.2',
    'curl_upkeep' => '8.2', 'openssl_cipher_key_length' => '8.2', 'libxml_get_external_entity_loader' => '8.2',
    // 8.3
    'json_validate' => '8.3', 'mb_str_pad' => '8.3', 'str_increment' => '8.3', 'str_decrement' => '8.3',
    'stream_context_set_options' => '8.3',
    // 8.4
    'array_find' => '8.4', 'array_find_key' => '8.4', 'array_any' => '8.4', 'array_all' => '8.4',
    'mb_trim' => '8.4', 'mb_ltrim' => '8.4', 'mb_rtrim' => '8.4', 'mb_ucfirst' => '8.4', 'mb_lcfirst' => '8.4',
    'request_parse_body' => '8.4', 'bcdivmod' => '8.4', 'fpow' => '8.4',
    'http_get_last_response_headers' => '8.4', 'http_clear_last_response_headers' => '8.4',
);

const PUQ_COMPAT_NEW_CLASSES = array(
    'valueerror' => '8.0', 'unhandledmatcherror' => '8.0', 'stringable' => '8.0', 'weakmap' => '8.0',
    'phptoken' => '8.0', 'attribute' => '8.0', 'returntypewillchange' => '8.1', 'fiber' => '8.1',
    'fibererror' => '8.1', 'unitenum' => '8.1', 'backedenum' => '8.1', 'curlstringfile' => '8.1',
    'sensitiveparameter' => '8.2', 'allowdynamicproperties' => '8.2', 'random\\randomizer' => '8.2',
    'override' => '8.3', 'datemalformedstringexception' => '8.3',
);

const PUQ_COMPAT_REMOVED_FUNCTIONS = array(
    'each' => 'removed in PHP 8.0', 'create_function' => 'removed in PHP 8.0',
    'money_format' => 'removed in PHP 8.0', 'get_magic_quotes_gpc' => 'removed in PHP 8.0',
    'get_magic_quotes_runtime' => 'removed in PHP 8.0', 'fgetss' => 'removed in PHP 8.0',
    'restore_include_path' => 'removed in PHP 8.0', 'hebrevc' => 'removed in PHP 8.0',
    'convert_cyr_string' => 'removed in PHP 8.0', 'ezmlm_hash' => 'removed in PHP 8.0',
    'image2wbmp' => 'removed in PHP 8.0', 'mysql_connect' => 'removed in PHP 7.0', 'ereg' => 'removed in PHP 7.0',
    'split' => 'removed in PHP 7.0', 'utf8_encode' => 'deprecated in PHP 8.2', 'utf8_decode' => 'deprecated in PHP 8.2',
);

/** Token kinds (ids) or their text for single-character tokens. */
function puq_compat_tokens($code)
{
    $out = array();
    $line = 1;
    foreach (token_get_all($code, TOKEN_PARSE) as $t) {
        if (is_array($t)) {
            $out[] = array('id' => $t[0], 'text' => $t[1], 'line' => $t[2]);
            $line = $t[2] + substr_count($t[1], "\n");
        } else {
            $out[] = array('id' => $t, 'text' => $t, 'line' => $line);
        }
    }
    return $out;
}

function puq_compat_const($name)
{
    return defined($name) ? constant($name) : -1;
}

function puq_compat_is_ident(array $t)
{
    return is_string($t['text']) && preg_match('/^\\\\?[A-Za-z_][A-Za-z0-9_]*(\\\\[A-Za-z_][A-Za-z0-9_]*)*$/', $t['text'])
        && !is_string($t['id']) && $t['id'] !== T_VARIABLE;
}

/**
 * @param string $code PHP source
 * @return array list of array(line, message)
 */
function puq_compat_check_code($code)
{
    try {
        $all = puq_compat_tokens($code);
    } catch (\ParseError $e) {
        return array(array($e->getLine(), 'syntax error: ' . $e->getMessage()));
    }
    // Significant tokens only.
    $t = array();
    foreach ($all as $tok) {
        if (!in_array($tok['id'], array(T_WHITESPACE, T_COMMENT, T_DOC_COMMENT), true)) {
            $t[] = $tok;
        }
    }
    $n = count($t);
    $findings = array();
    $add = function ($line, $message) use (&$findings) {
        $findings[] = array($line, $message);
    };
    $id = function ($i) use ($t, $n) {
        return $i >= 0 && $i < $n ? $t[$i]['id'] : null;
    };
    $text = function ($i) use ($t, $n) {
        return $i >= 0 && $i < $n ? strtolower($t[$i]['text']) : '';
    };

    $T_MATCH = puq_compat_const('T_MATCH');
    $T_NULLSAFE = puq_compat_const('T_NULLSAFE_OBJECT_OPERATOR');
    $T_ATTRIBUTE = puq_compat_const('T_ATTRIBUTE');
    $T_ENUM = puq_compat_const('T_ENUM');
    $T_READONLY = puq_compat_const('T_READONLY');
    $T_AMP_NOT_VAR = puq_compat_const('T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG');
    $T_AMP_VAR = puq_compat_const('T_AMPERSAND_FOLLOWED_BY_VAR_OR_VARARG');
    $T_NAME_FQ = puq_compat_const('T_NAME_FULLY_QUALIFIED');
    $T_NAME_Q = puq_compat_const('T_NAME_QUALIFIED');
    $T_NAME_REL = puq_compat_const('T_NAME_RELATIVE');
    $nameIds = array(T_STRING, $T_NAME_FQ, $T_NAME_Q, $T_NAME_REL);
    $memberOps = array(T_OBJECT_OPERATOR, $T_NULLSAFE, T_DOUBLE_COLON);

    // Checks one type (parameter, return or property type) given as significant-token indexes [from, to).
    $checkType = function ($from, $to, $where, $isReturn) use ($t, $add, $T_AMP_NOT_VAR) {
        $parts = array();
        for ($i = $from; $i < $to; $i++) {
            $parts[] = $t[$i];
        }
        if (empty($parts)) {
            return;
        }
        $line = $parts[0]['line'];
        $names = array();
        foreach ($parts as $p) {
            if ($p['id'] === '|') {
                $add($line, "union type in $where (PHP 8.0)");
                return;
            }
            if ($p['id'] === $T_AMP_NOT_VAR) {
                $add($line, "intersection type in $where (PHP 8.1)");
                return;
            }
            if ($p['id'] !== '?') {
                $names[] = strtolower(ltrim($p['text'], '\\'));
            }
        }
        foreach ($names as $name) {
            if ($name === 'mixed') {
                $add($line, "mixed type in $where (PHP 8.0)");
            } elseif ($name === 'never') {
                $add($line, "never type in $where (PHP 8.1)");
            } elseif ($name === 'static' && $isReturn) {
                $add($line, "static return type (PHP 8.0)");
            } elseif (in_array($name, array('null', 'false', 'true'), true) && count($names) === 1) {
                $add($line, "standalone $name type in $where (PHP 8.2)");
            }
        }
    };

    // Finds the index of the bracket closing the one at $open.
    $closing = function ($open) use ($t, $n) {
        $depth = 0;
        for ($i = $open; $i < $n; $i++) {
            $c = $t[$i]['id'];
            if ($c === '(' || $c === '[' || $c === '{' || $c === T_CURLY_OPEN || $c === T_DOLLAR_OPEN_CURLY_BRACES) {
                $depth++;
            } elseif ($c === ')' || $c === ']' || $c === '}') {
                $depth--;
                if ($depth === 0) {
                    return $i;
                }
            }
        }
        return $n - 1;
    };

    for ($i = 0; $i < $n; $i++) {
        $tok = $t[$i];
        $k = $tok['id'];
        $line = $tok['line'];
        $prev = $id($i - 1);
        $next = $id($i + 1);

        if ($k === $T_MATCH) {
            $add($line, 'match expression (PHP 8.0)');
        } elseif ($k === $T_NULLSAFE) {
            $add($line, 'nullsafe operator ?-> (PHP 8.0)');
        } elseif ($k === $T_ATTRIBUTE) {
            $add($line, 'attribute #[...] (PHP 8.0)');
        } elseif ($k === $T_ENUM) {
            $add($line, 'enum (PHP 8.1)');
        } elseif ($k === $T_READONLY) {
            $add($line, 'readonly (PHP 8.1)');
        } elseif ($k === T_LNUMBER && preg_match('/^0[oO]/', $tok['text'])) {
            $add($line, 'explicit octal literal 0o (PHP 8.1)');
        } elseif ($k === T_VARIABLE && $next === T_DOUBLE_COLON && $text($i + 2) === 'class') {
            $add($line, '$object::class (PHP 8.0)');
        } elseif ($k === '(' && $next === T_ELLIPSIS && $id($i + 2) === ')') {
            $add($line, 'first-class callable syntax f(...) (PHP 8.1)');
        } elseif ($k === T_THROW) {
            $statementStart = array(';', '{', '}', ')', T_OPEN_TAG, T_ELSE, T_DO, null);
            $isExpression = !in_array($prev, $statementStart, true);
            if ($prev === ':') {
                // "case X: throw" is a statement; "$a ? $b : throw" is an expression.
                $isExpression = false;
                $depth = 0;
                for ($j = $i - 2; $j >= 0; $j--) {
                    $c = $t[$j]['id'];
                    if ($c === ')' || $c === ']') {
                        $depth++;
                    } elseif ($c === '(' || $c === '[') {
                        if ($depth === 0) {
                            break;
                        }
                        $depth--;
                    } elseif ($depth === 0 && in_array($c, array(';', '{', '}', T_OPEN_TAG), true)) {
                        break;
                    } elseif ($depth === 0 && $c === '?') {
                        $isExpression = true;
                        break;
                    }
                }
            }
            if ($isExpression) {
                $add($line, 'throw used as an expression (PHP 8.0)');
            }
        } elseif ($k === T_CATCH && $next === '(') {
            $close = $closing($i + 1);
            $hasVar = false;
            for ($j = $i + 2; $j < $close; $j++) {
                if ($t[$j]['id'] === T_VARIABLE) {
                    $hasVar = true;
                }
            }
            if (!$hasVar) {
                $add($line, 'catch without a variable (PHP 8.0)');
            }
        } elseif (($k === T_FUNCTION || $k === T_FN)) {
            // Parameter list.
            $open = $i + 1;
            while ($open < $n && $t[$open]['id'] !== '(' && $t[$open]['id'] !== '{' && $t[$open]['id'] !== ';') {
                $open++;
            }
            if ($open >= $n || $t[$open]['id'] !== '(') {
                continue;
            }
            $isConstructor = false;
            for ($j = $i + 1; $j < $open; $j++) {
                if (strtolower($t[$j]['text']) === '__construct') {
                    $isConstructor = true;
                }
            }
            $close = $closing($open);
            $segments = array();
            $start = $open + 1;
            $depth = 0;
            for ($j = $open + 1; $j <= $close; $j++) {
                $c = $t[$j]['id'];
                if ($c === '(' || $c === '[' || $c === '{') {
                    $depth++;
                } elseif (($c === ')' || $c === ']' || $c === '}') && $j < $close) {
                    $depth--;
                } elseif (($c === ',' && $depth === 0) || $j === $close) {
                    $segments[] = array($start, $j, $c === ',');
                    $start = $j + 1;
                }
            }
            foreach ($segments as $s) {
                list($from, $to, $endsWithComma) = $s;
                if ($from === $to) {
                    if (!$endsWithComma && count($segments) > 1) {
                        $add($t[$to]['line'], 'trailing comma in a parameter list (PHP 8.0)');
                    }
                    continue;
                }
                $j = $from;
                if (in_array($t[$j]['id'], array(T_PUBLIC, T_PROTECTED, T_PRIVATE, $T_READONLY), true)) {
                    $add($t[$j]['line'], $isConstructor ? 'constructor property promotion (PHP 8.0)'
                        : 'visibility modifier on a parameter (PHP 8.0 promotion)');
                    while ($j < $to && in_array($t[$j]['id'], array(T_PUBLIC, T_PROTECTED, T_PRIVATE, $T_READONLY), true)) {
                        $j++;
                    }
                }
                $typeEnd = $j;
                while ($typeEnd < $to && !in_array($t[$typeEnd]['id'], array(T_VARIABLE, T_ELLIPSIS, '&', $T_AMP_VAR), true)) {
                    $typeEnd++;
                }
                $checkType($j, $typeEnd, 'a parameter', false);
                for ($m = $typeEnd; $m < $to; $m++) {
                    if ($t[$m]['id'] === '=' && $id($m + 1) === T_NEW) {
                        $add($t[$m]['line'], 'new in a parameter default value (PHP 8.1)');
                    }
                }
            }
            // Closure "use" list, then the return type.
            $after = $close + 1;
            if ($id($after) === T_USE && $id($after + 1) === '(') {
                $useClose = $closing($after + 1);
                if ($id($useClose - 1) === ',') {
                    $add($t[$useClose]['line'], 'trailing comma in a closure use list (PHP 8.0)');
                }
                $after = $useClose + 1;
            }
            if ($id($after) === ':') {
                $end = $after + 1;
                while ($end < $n && !in_array($t[$end]['id'], array('{', ';', T_DOUBLE_ARROW), true)) {
                    $end++;
                }
                $checkType($after + 1, $end, 'a return type', true);
            }
        } elseif (in_array($k, array(T_PUBLIC, T_PROTECTED, T_PRIVATE, T_VAR, T_STATIC), true)
            && !in_array($prev, array('(', ','), true)) {
            // Property declaration: modifiers, optional type, $name.
            $j = $i;
            while ($j < $n && in_array($t[$j]['id'], array(T_PUBLIC, T_PROTECTED, T_PRIVATE, T_VAR, T_STATIC, $T_READONLY), true)) {
                $j++;
            }
            $typeStart = $j;
            $typeTokens = array_merge($nameIds, array('?', '|', T_ARRAY, T_CALLABLE, T_STATIC, $T_AMP_NOT_VAR));
            while ($j < $n && in_array($t[$j]['id'], $typeTokens, true)) {
                $j++;
            }
            if ($j < $n && $t[$j]['id'] === T_VARIABLE && $j > $typeStart && $k !== T_STATIC) {
                $checkType($typeStart, $j, 'a property', false);
            } elseif ($j < $n && $t[$j]['id'] === T_VARIABLE && $j > $typeStart) {
                $checkType($typeStart, $j, 'a property', false);
            }
        }

        // Named arguments: "(" or "," then an identifier, then a single ":".
        if (($prev === '(' || $prev === ',') && $next === ':' && !is_string($k) && $k !== T_VARIABLE
            && preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', $tok['text'])) {
            $add($line, 'named argument ' . $tok['text'] . ': (PHP 8.0)');
        }

        // Functions and classes PHP 7.4 does not have; functions PHP 8 removed.
        if (in_array($k, $nameIds, true) && !in_array($prev, $memberOps, true) && $prev !== T_FUNCTION
            && $prev !== T_CONST) {
            $name = strtolower(ltrim($tok['text'], '\\'));
            if ($next === '(' && $prev !== T_NEW) {
                if (isset(PUQ_COMPAT_NEW_FUNCTIONS[$name])) {
                    $add($line, "function $name() does not exist before PHP " . PUQ_COMPAT_NEW_FUNCTIONS[$name]);
                } elseif (isset(PUQ_COMPAT_REMOVED_FUNCTIONS[$name])) {
                    $add($line, "function $name() is " . PUQ_COMPAT_REMOVED_FUNCTIONS[$name]);
                }
            }
            $short = $name;
            if (isset(PUQ_COMPAT_NEW_CLASSES[$short]) && $next !== '(' || ($prev === T_NEW && isset(PUQ_COMPAT_NEW_CLASSES[$short]))) {
                $add($line, "class $name does not exist before PHP " . PUQ_COMPAT_NEW_CLASSES[$short]);
            }
        }
    }
    usort($findings, function ($a, $b) {
        return $a[0] - $b[0];
    });
    return $findings;
}

/** @return string[] the .php files under $path (or $path itself) */
function puq_compat_files($path)
{
    if (is_file($path)) {
        return array($path);
    }
    $files = array();
    $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($path, FilesystemIterator::SKIP_DOTS));
    foreach ($it as $file) {
        if ($file->isFile() && strtolower($file->getExtension()) === 'php') {
            $files[] = $file->getPathname();
        }
    }
    sort($files);
    return $files;
}

function puq_compat_main(array $argv)
{
    $paths = array_slice($argv, 1);
    if (in_array('-h', $paths, true) || in_array('--help', $paths, true)) {
        fwrite(STDOUT, "usage: php tools/php74-compat.php [file-or-directory ...]\n");
        return 0;
    }
    if (empty($paths)) {
        $paths = array(dirname(__DIR__) . '/php-shim/modules/servers/puqSynology');
    }
    $count = 0;
    $problems = 0;
    foreach ($paths as $path) {
        if (!file_exists($path)) {
            fwrite(STDERR, "php74-compat: no such file or directory: $path\n");
            return 2;
        }
        foreach (puq_compat_files($path) as $file) {
            $code = @file_get_contents($file);
            if ($code === false) {
                fwrite(STDERR, "php74-compat: cannot read $file\n");
                return 2;
            }
            $count++;
            foreach (puq_compat_check_code($code) as $finding) {
                fwrite(STDOUT, $file . ':' . $finding[0] . ': ' . $finding[1] . "\n");
                $problems++;
            }
        }
    }
    if ($problems > 0) {
        fwrite(STDOUT, "php74-compat: $problems problem(s) in $count file(s): the code must run on PHP 7.4 to 8.2\n");
        return 1;
    }
    fwrite(STDOUT, "php74-compat: OK ($count file(s))\n");
    return 0;
}

if (PHP_SAPI === 'cli' && isset($argv) && realpath($argv[0]) === __FILE__) {
    exit(puq_compat_main($argv));
}
