<?php
/**
 * Read a .mo with WordPress' own reader (wp-includes/pomo), as load_textdomain() does.
 *
 * Usage: php read_mo.php <wordpress dir> <file.mo> <msgid>
 * Prints JSON: {read: bool, entries: int, translation: string}.
 */

require $argv[1] . '/wp-includes/pomo/mo.php';

$amends_mo   = new MO();
$amends_read = $amends_mo->import_from_file( $argv[2] );
echo json_encode(
	array(
		'read'        => (bool) $amends_read,
		'entries'     => count( $amends_mo->entries ),
		'translation' => $amends_mo->translate( $argv[3] ),
	)
);
