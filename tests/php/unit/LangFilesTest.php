<?php
/**
 * lang/*.php: every language file defines exactly the keys of english.php, in the same order, each with a
 * non-empty text carrying the same placeholders and HTML tags, in the same plain structure, and runs on
 * PHP 7.4 (tools/php74-compat.php).
 */
use PHPUnit\Framework\TestCase;

class LangFilesTest extends TestCase
{
    const LANG_DIR = PUQ_MODULE_DIR . '/lang';
    const LANGUAGES = array('english', 'german', 'polish', 'spanish', 'french', 'ukrainian', 'russian');

    /** The $_LANG a file defines, loaded in a scope of its own. */
    private static function load($file)
    {
        $_LANG = array();
        include $file;
        return $_LANG;
    }

    /** printf conversions (%s, %1$d, %%), Smarty/merge fields ({$x}, {x}) and HTML tags, sorted. */
    private static function placeholders($text)
    {
        preg_match_all(
            '/%(?:\d+\$)?[-+ 0#]*\d*(?:\.\d+)?[bcdeEfFgGosuxX%]|\{\$?[A-Za-z_][^{}]*\}|<\/?[A-Za-z][^>]*>|&[a-z]+;/',
            $text,
            $matches
        );
        $found = $matches[0];
        sort($found);
        return $found;
    }

    public function providerLanguageFiles()
    {
        $cases = array();
        foreach (glob(self::LANG_DIR . '/*.php') as $file) {
            $cases[basename($file, '.php')] = array($file);
        }
        return $cases;
    }

    public function testEveryShippedLanguageIsThere()
    {
        $present = array_map(function ($file) {
            return basename($file, '.php');
        }, glob(self::LANG_DIR . '/*.php'));
        foreach (self::LANGUAGES as $language) {
            $this->assertContains($language, $present, "lang/$language.php is missing");
        }
    }

    /** @dataProvider providerLanguageFiles */
    public function testKeysMatchEnglishExactly($file)
    {
        $english = self::load(self::LANG_DIR . '/english.php');
        $this->assertNotEmpty($english);
        $strings = self::load($file);
        $name = basename($file);
        $this->assertSame(array(), array_values(array_diff(array_keys($english), array_keys($strings))),
            "$name lacks these keys of english.php");
        $this->assertSame(array(), array_values(array_diff(array_keys($strings), array_keys($english))),
            "$name has keys english.php does not have");
        $this->assertSame(array_keys($english), array_keys($strings), "$name lists the keys in another order");
    }

    /** @dataProvider providerLanguageFiles */
    public function testTextsAreNonEmptyAndKeepPlaceholders($file)
    {
        $english = self::load(self::LANG_DIR . '/english.php');
        $name = basename($file);
        foreach (self::load($file) as $key => $text) {
            $this->assertIsString($text, "$name: $key");
            $this->assertNotSame('', trim($text), "$name: $key is empty");
            $this->assertSame($text, trim($text), "$name: $key has leading or trailing spaces");
            $this->assertTrue(mb_check_encoding($text, 'UTF-8'), "$name: $key is not valid UTF-8");
            $this->assertDoesNotMatchRegularExpression('/[\x00-\x1F\x7F]/', $text, "$name: $key has a control character");
            if (isset($english[$key])) {
                $this->assertSame(self::placeholders($english[$key]), self::placeholders($text),
                    "$name: $key must keep the placeholders and HTML of the English text");
            }
        }
    }

    /** A copy of english.php under another name is not a translation. */
    public function testOtherLanguagesAreTranslated()
    {
        $english = self::load(self::LANG_DIR . '/english.php');
        foreach (self::LANGUAGES as $language) {
            if ($language === 'english') {
                continue;
            }
            $strings = self::load(self::LANG_DIR . "/$language.php");
            $same = array_keys(array_intersect_assoc($strings, $english));
            $this->assertLessThanOrEqual((int) floor(count($english) / 10), count($same),
                "$language.php leaves these texts in English: " . implode(', ', $same));
        }
    }

    /**
     * The structure of english.php: the WHMCS guard, comments and one `$_LANG['key'] = '...';` per line, no
     * other code, no closing tag, no byte order mark.
     * @dataProvider providerLanguageFiles
     */
    public function testFileStructureMirrorsEnglish($file)
    {
        $code = file_get_contents($file);
        $name = basename($file);
        $this->assertStringStartsWith("<?php\n", $code, "$name must start with <?php (no BOM)");
        $this->assertStringContainsString("if (!defined(\"WHMCS\")) {\n    die(\"This file cannot be accessed directly\");\n}\n",
            $code, "$name lacks the WHMCS guard");
        $this->assertStringNotContainsString('?>', $code, "$name must not close the PHP tag");
        $body = substr($code, strpos($code, "}\n") + 2);
        foreach (explode("\n", $body) as $number => $line) {
            if ($line === '' || strpos($line, '// ') === 0) {
                continue;
            }
            $this->assertMatchesRegularExpression(
                "/^\\\$_LANG\\['puqSynology_[a-z0-9_]+'\\] = '(?:[^'\\\\]|\\\\['\\\\])*';\$/",
                $line,
                "$name: a line after the guard that is not a \$_LANG assignment: $line"
            );
        }
    }

    public function testTheClientSeesTheirOwnLanguageWithEnglishForMissingKeys()
    {
        $german = self::load(self::LANG_DIR . '/german.php');
        $english = self::load(self::LANG_DIR . '/english.php');
        $params = array('clientsdetails' => array('language' => 'German'));
        $this->assertSame('german', \WHMCS\Module\Server\PuqSynology\Module::language($params));
        $lang = \WHMCS\Module\Server\PuqSynology\Module::lang($params);
        $this->assertSame($german['puqSynology_statistics'], $lang['puqSynology_statistics']);
        $this->assertSame(array_keys($english), array_keys($lang));
        $button = puqSynology_ClientAreaCustomButtonArray($params);
        $this->assertSame(array($german['puqSynology_statistics'] => 'UsageStatistics'), $button);
    }

    public function testTheLanguageFallsBackToSessionDefaultAndEnglish()
    {
        $module = '\WHMCS\Module\Server\PuqSynology\Module';
        $savedSession = isset($_SESSION) ? $_SESSION : null;
        $savedConfig = isset($GLOBALS['CONFIG']) ? $GLOBALS['CONFIG'] : null;
        try {
            $_SESSION = array();
            unset($GLOBALS['CONFIG']);
            $this->assertSame('english', $module::language(array()));
            $GLOBALS['CONFIG'] = array('Language' => 'polish');
            $this->assertSame('polish', $module::language(array()));
            $_SESSION['Language'] = 'french';
            $this->assertSame('french', $module::language(array()));
            $this->assertSame('spanish', $module::language(array('clientsdetails' => array('language' => 'spanish'))));
            // Unknown names and paths never reach include(): the next candidate is used.
            $this->assertSame('french', $module::language(array('clientsdetails' => array('language' => 'klingon'))));
            $this->assertSame('french', $module::language(array('clientsdetails' => array('language' => '../../../etc/passwd'))));
            // The admin tab follows the admin's language, never the client's.
            $_SESSION['adminlang'] = 'ukrainian';
            $this->assertSame('ukrainian', $module::language(array('clientsdetails' => array('language' => 'german')), true));
            unset($_SESSION['adminlang']);
            $this->assertSame('polish', $module::language(array('clientsdetails' => array('language' => 'german')), true));
        } finally {
            if ($savedSession === null) {
                $_SESSION = array();
            } else {
                $_SESSION = $savedSession;
            }
            if ($savedConfig === null) {
                unset($GLOBALS['CONFIG']);
            } else {
                $GLOBALS['CONFIG'] = $savedConfig;
            }
        }
    }

    public function testAllLanguageFilesPassThePhp74Check()
    {
        $cmd = escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(PUQ_REPO_ROOT . '/tools/php74-compat.php') . ' '
            . escapeshellarg(self::LANG_DIR) . ' 2>&1';
        exec($cmd, $out, $rc);
        $this->assertSame(0, $rc, implode("\n", $out));
        $count = count(glob(self::LANG_DIR . '/*.php'));
        $this->assertStringContainsString("OK ($count file(s))", implode("\n", $out));
    }
}
