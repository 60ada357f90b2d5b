<?php
/**
 * The messages editor's form: Save, Preview and Reset, checked here and forwarded to Amends.
 *
 * The form posts to its own page, as WordPress' own editors do, and is handled on
 * the page's load hook, before anything is printed: a saved or reset message
 * redirects back with a notice; a preview, or a draft Amends refused, is shown in
 * the same response with the draft still in the form, so nothing typed is lost
 * and nothing is kept between requests.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Handles the editor's posts and keeps their outcome for the page to show.
 */
class Amends_Message_Editor {

	const PARTS = array( 'subject', 'text', 'html' );

	const COMPENSATIONS = array( 'percent_coupon', 'free_shipping', 'shipping_refund' );

	/**
	 * What the post in this request gave: draft, problems, rejected, preview, compensation.
	 *
	 * @var array|null
	 */
	private static $outcome = null;

	/**
	 * Return the message the page is about, from its URL: kind, stage, language (or null).
	 *
	 * @return array{0:string,1:string,2:string}|null
	 */
	public static function key() {
		// Read-only navigation: which message. The post itself is nonce-checked in handle().
		// phpcs:disable WordPress.Security.NonceVerification.Recommended
		$key = array();
		foreach ( array( 'kind', 'stage', 'language' ) as $name ) {
			$key[] = isset( $_GET[ $name ] ) ? sanitize_key( wp_unslash( $_GET[ $name ] ) ) : '';
		}
		// phpcs:enable
		return in_array( '', $key, true ) ? null : $key;
	}

	/**
	 * Return the JSON API path of a message.
	 *
	 * @param array $key Kind, stage, language.
	 * @return string
	 */
	public static function path( $key ) {
		return '/admin/api/templates/' . implode( '/', array_map( 'rawurlencode', $key ) );
	}

	/**
	 * Return the nonce action of a message's forms.
	 *
	 * @param array $key Kind, stage, language.
	 * @return string
	 */
	public static function nonce_action( $key ) {
		return 'amends_message_' . implode( '/', $key );
	}

	/**
	 * Return what the post in this request gave, or null when nothing was posted.
	 *
	 * @return array|null
	 */
	public static function outcome() {
		return self::$outcome;
	}

	/**
	 * Handle a post to the editor: check who sends it, then save, preview or reset.
	 */
	public static function handle() {
		$key = self::key();
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only says which tab; checked below.
		$tab = isset( $_GET['tab'] ) ? sanitize_key( wp_unslash( $_GET['tab'] ) ) : '';
		if ( 'POST' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) || 'messages' !== $tab || null === $key ) {
			return;
		}
		if ( ! current_user_can( Amends_Admin::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'amends-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::nonce_action( $key ) );
		$do = isset( $_POST['amends_do'] ) ? sanitize_key( wp_unslash( $_POST['amends_do'] ) ) : '';
		if ( 'reset' === $do ) {
			self::reset( $key );
		} elseif ( 'save' === $do ) {
			self::save( $key, self::posted_draft() );
		} elseif ( 'preview' === $do ) {
			self::preview( $key, self::posted_draft() );
		} else {
			wp_die( esc_html__( 'Unknown action.', 'amends-for-woocommerce' ), '', array( 'response' => 400 ) );
		}
	}

	/**
	 * Return the wording posted, exactly as typed.
	 *
	 * The parts are templates, HTML included: Amends checks every part and refuses what
	 * cannot be sent, and the page escapes them wherever it shows them, so they are
	 * not filtered here (sanitize_textarea_field would strip the HTML version's tags).
	 *
	 * @return array<string,string>
	 */
	private static function posted_draft() {
		$draft = array();
		foreach ( self::PARTS as $part ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing, WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- nonce checked in handle(); see above.
			$value          = isset( $_POST[ $part ] ) ? wp_unslash( $_POST[ $part ] ) : '';
			$draft[ $part ] = is_string( $value ) ? $value : '';
		}
		return $draft;
	}

	/**
	 * Return the compensation the preview shows (a compensation message only).
	 *
	 * @return string
	 */
	private static function posted_compensation() {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- nonce checked in handle().
		$compensation = isset( $_POST['compensation'] ) ? sanitize_key( wp_unslash( $_POST['compensation'] ) ) : '';
		return in_array( $compensation, self::COMPENSATIONS, true ) ? $compensation : self::COMPENSATIONS[0];
	}

	/**
	 * Keep the draft as the shop's wording, or show what stops it; Amends keeps all or nothing.
	 *
	 * @param array $key   Kind, stage, language.
	 * @param array $draft Subject, text, html.
	 */
	private static function save( $key, $draft ) {
		$answer = Amends_Client::request( 'PUT', self::path( $key ), array(), $draft );
		if ( ! is_wp_error( $answer ) ) {
			self::back( $key, __( 'Message saved.', 'amends-for-woocommerce' ) );
		}
		$data     = (array) $answer->get_error_data();
		$problems = isset( $data['problems'] ) && is_array( $data['problems'] ) ? $data['problems'] : array();
		self::$outcome = array(
			'draft'        => $draft,
			'problems'     => $problems,
			'rejected'     => true,
			'error'        => $problems ? null : $answer,
			'compensation' => self::posted_compensation(),
		);
		status_header( 422 === ( $data['status'] ?? 0 ) ? 422 : 502 );
	}

	/**
	 * Render the draft as the customer would read it; Amends keeps nothing.
	 *
	 * @param array $key   Kind, stage, language.
	 * @param array $draft Subject, text, html.
	 */
	private static function preview( $key, $draft ) {
		$compensation  = self::posted_compensation();
		$preview       = self::request_preview( $key, $draft, $compensation );
		self::$outcome = array(
			'draft'        => $draft,
			'problems'     => is_wp_error( $preview ) ? array() : ( $preview['problems'] ?? array() ),
			'rejected'     => false,
			'error'        => null,
			'preview'      => $preview,
			'compensation' => $compensation,
		);
	}

	/**
	 * Ask Amends how a draft reads on one of the shop's incidents.
	 *
	 * @param array  $key          Kind, stage, language.
	 * @param array  $draft        Subject, text, html.
	 * @param string $compensation What the customer is given, for a compensation message.
	 * @return array|WP_Error subject, text, html, order_name, problems.
	 */
	public static function request_preview( $key, $draft, $compensation ) {
		$body   = array_merge( $draft, array( 'compensation' => $compensation ) );
		$answer = Amends_Client::request( 'POST', self::path( $key ) . '/preview', array(), $body );
		if ( is_wp_error( $answer ) ) {
			return $answer;
		}
		return is_array( $answer['data'] ) ? $answer['data'] : array();
	}

	/**
	 * Go back to the built-in wording of the message.
	 *
	 * @param array $key Kind, stage, language.
	 */
	private static function reset( $key ) {
		$answer = Amends_Client::request( 'DELETE', self::path( $key ) );
		if ( is_wp_error( $answer ) ) {
			self::back( $key, $answer->get_error_message(), 'error' );
		}
		self::back( $key, __( 'Back to the built-in wording.', 'amends-for-woocommerce' ) );
	}

	/**
	 * Leave a notice and show the editor again (after a post, as a GET).
	 *
	 * @param array  $key     Kind, stage, language.
	 * @param string $message The notice.
	 * @param string $type    The notice's type.
	 */
	private static function back( $key, $message, $type = 'success' ) {
		Amends_Notices::flash( $type, $message );
		wp_safe_redirect( Amends_Messages_Page::editor_url( $key ) );
		exit;
	}
}
