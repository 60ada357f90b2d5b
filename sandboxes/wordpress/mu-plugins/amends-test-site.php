<?php
/**
 * Test site only: no mail leaves, and requests are signed at the test's own time.
 *
 * Amends runs on the test's fixed clock; AMENDS_TEST_NOW_FILE holds that moment.
 */

add_filter( 'pre_wp_mail', '__return_false' );

add_filter(
	'amends_request_time',
	function ( $now ) {
		$file = defined( 'AMENDS_TEST_NOW_FILE' ) ? AMENDS_TEST_NOW_FILE : '';
		return $file && is_file( $file ) ? (int) file_get_contents( $file ) : $now;
	}
);
