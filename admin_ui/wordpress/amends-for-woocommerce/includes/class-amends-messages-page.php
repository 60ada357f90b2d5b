<?php
/**
 * The Messages tab: every message Amends sends the store's customers, and the editor for one.
 *
 * The wording is the merchant's own text and templates, shown back to them: it is
 * escaped with htmlspecialchars() and double encoding wherever it is printed, so
 * "&amp;" typed in a message stays "&amp;" (esc_html and esc_attr keep entities as
 * they are). The HTML version is shown in an iframe's srcdoc with an empty sandbox:
 * no script, no form, no same-origin access to wp-admin.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the list of messages and the editor.
 */
class Amends_Messages_Page {

	/**
	 * Return the URL of a message's editor.
	 *
	 * @param array $key Kind, stage, language.
	 * @return string
	 */
	public static function editor_url( $key ) {
		return Amends_Admin::tab_url( 'messages', array_combine( array( 'kind', 'stage', 'language' ), array_values( $key ) ) );
	}

	/**
	 * Print the editor when the URL names a message, else the list.
	 */
	public static function render() {
		$key = Amends_Message_Editor::key();
		if ( null === $key ) {
			self::render_list();
			return;
		}
		require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-message-form.php';
		Amends_Message_Form::render( $key );
	}

	/**
	 * Print every message by kind and stage, a link per language; the shop's own marked.
	 */
	private static function render_list() {
		$answer = Amends_Client::request( 'GET', '/admin/api/templates' );
		if ( is_wp_error( $answer ) ) {
			Amends_Notices::show_error( $answer );
			return;
		}
		$data = is_array( $answer['data'] ) ? $answer['data'] : array();
		$own  = array();
		foreach ( $data['templates'] ?? array() as $message ) {
			$own[ $message['kind'] . '/' . $message['stage'] . '/' . $message['language'] ] = ! empty( $message['customised'] );
		}
		echo '<p>' . esc_html__( 'Each message your customers receive, in each language. Choose one to change its wording; a marked one is your own.', 'amends-for-woocommerce' ) . '</p>';
		echo '<table class="widefat striped amends-messages"><thead><tr><th scope="col">' . esc_html__( 'Problem', 'amends-for-woocommerce' ) . '</th>';
		foreach ( $data['stages'] ?? array() as $stage ) {
			echo '<th scope="col">' . esc_html( Amends_Labels::stage( $stage ) ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $data['kinds'] ?? array() as $kind ) {
			echo '<tr><th scope="row">' . esc_html( Amends_Labels::kind( $kind ) ) . '</th>';
			foreach ( $data['stages'] ?? array() as $stage ) {
				echo '<td><ul class="amends-languages">';
				foreach ( $data['languages'] ?? array() as $language ) {
					self::language_link( array( $kind, $stage, $language ), ! empty( $own[ "$kind/$stage/$language" ] ) );
				}
				echo '</ul></td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * Print the link to one message's editor, marked when the shop worded it.
	 *
	 * @param array $key Kind, stage, language.
	 * @param bool  $own Whether the shop has its own wording.
	 */
	private static function language_link( $key, $own ) {
		$name = self::title( $key );
		if ( $own ) {
			/* translators: %s: a message, e.g. Delayed shipment · Acknowledgement · Deutsch. */
			$name = sprintf( __( '%s (your own wording)', 'amends-for-woocommerce' ), $name );
		}
		printf(
			'<li><a href="%1$s" class="%2$s" aria-label="%3$s">%4$s%5$s</a></li>',
			esc_url( self::editor_url( $key ) ),
			$own ? 'amends-own' : '',
			esc_attr( $name ),
			esc_html( strtoupper( $key[2] ) ),
			$own ? ' <span class="dashicons dashicons-edit" aria-hidden="true"></span>' : ''
		);
	}

	/**
	 * Return a message's name: problem · stage · language.
	 *
	 * @param array $key Kind, stage, language.
	 * @return string
	 */
	public static function title( $key ) {
		return Amends_Labels::kind( $key[0] ) . ' · ' . Amends_Labels::stage( $key[1] ) . ' · ' . Amends_Labels::language( $key[2] );
	}

	/**
	 * Return the merchant's wording escaped for HTML text or an attribute, entities and all.
	 *
	 * @param mixed $wording A subject, text or HTML version.
	 * @return string
	 */
	public static function escape( $wording ) {
		return htmlspecialchars( (string) $wording, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8', true );
	}
}
