<?php
/**
 * Notices that survive the redirect after a form: shown once, to the user who acted.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Keeps one notice per user for the next page view, and prints notices WordPress' way.
 */
class Amends_Notices {

	/**
	 * Remember a notice for the current user's next page.
	 *
	 * @param string $type    success, error, warning or info.
	 * @param string $message The text (plain, escaped when shown).
	 */
	public static function flash( $type, $message ) {
		set_transient( self::key(), array( $type, $message ), MINUTE_IN_SECONDS * 5 );
	}

	/**
	 * Print the remembered notice, if any, and forget it.
	 */
	public static function show_flashed() {
		$notice = get_transient( self::key() );
		if ( is_array( $notice ) && 2 === count( $notice ) ) {
			delete_transient( self::key() );
			self::show( $notice[0], $notice[1] );
		}
	}

	/**
	 * Print one notice now.
	 *
	 * @param string $type    success, error, warning or info.
	 * @param string $message The text (plain).
	 */
	public static function show( $type, $message ) {
		$type = in_array( $type, array( 'success', 'error', 'warning', 'info' ), true ) ? $type : 'info';
		printf(
			'<div class="notice notice-%1$s is-dismissible"><p>%2$s</p></div>',
			esc_attr( $type ),
			esc_html( $message )
		);
	}

	/**
	 * Print the error an answer from Amends carries.
	 *
	 * @param WP_Error $error What Amends_Client returned.
	 */
	public static function show_error( $error ) {
		self::show( 'amends_not_connected' === $error->get_error_code() ? 'warning' : 'error', $error->get_error_message() );
	}

	/**
	 * Return the transient's name for the current user.
	 *
	 * @return string
	 */
	private static function key() {
		return 'amends_notice_' . get_current_user_id();
	}
}
