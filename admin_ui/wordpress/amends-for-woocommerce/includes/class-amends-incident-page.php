<?php
/**
 * One incident: its facts, timeline, messages and compensations, and what staff can do.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-compensation-forms.php';

/**
 * Renders the incident page.
 */
class Amends_Incident_Page {

	/**
	 * Print the page of incident `$id`.
	 *
	 * @param int $id The incident's id.
	 */
	public static function render( $id ) {
		printf( '<p><a href="%1$s">%2$s</a></p>', esc_url( Amends_Admin::tab_url( 'incidents' ) ), esc_html__( '← All incidents', 'amends-for-woocommerce' ) );
		$answer = Amends_Client::request( 'GET', '/admin/api/incidents/' . (int) $id );
		if ( is_wp_error( $answer ) ) {
			Amends_Notices::show_error( $answer );
			return;
		}
		$incident = is_array( $answer['data'] ) ? $answer['data'] : array();
		$name     = ! empty( $incident['order_name'] ) ? $incident['order_name'] : '#' . ( $incident['order_id'] ?? '' );
		/* translators: 1: problem, e.g. Delayed shipment, 2: order name. */
		echo '<h2 class="amends-incident-title">' . esc_html( sprintf( __( '%1$s — order %2$s', 'amends-for-woocommerce' ), Amends_Labels::kind( $incident['kind'] ?? '' ), $name ) ) . '</h2>';
		self::facts( $incident );
		self::actions( $incident );
		self::timeline( $incident['timeline'] ?? array() );
		self::messages( $incident['messages'] ?? array() );
		self::compensations( $incident['compensations'] ?? array(), (int) $id );
	}

	/**
	 * Print the incident's facts.
	 *
	 * @param array $incident The incident.
	 */
	private static function facts( $incident ) {
		$status = (string) ( $incident['status'] ?? '' );
		$rows   = array(
			__( 'Status', 'amends-for-woocommerce' )   => sprintf( '<mark class="amends-status amends-status-%1$s"><span>%2$s</span></mark>', esc_attr( sanitize_html_class( $status ) ), esc_html( Amends_Labels::status( $status ) ) ),
			__( 'Customer', 'amends-for-woocommerce' ) => esc_html( $incident['customer_email'] ?? '' ),
			__( 'Language', 'amends-for-woocommerce' ) => esc_html( $incident['locale'] ?? '' ),
			__( 'Opened', 'amends-for-woocommerce' )   => esc_html( Amends_Labels::moment( $incident['created_at'] ?? '' ) ),
			__( 'Last change', 'amends-for-woocommerce' ) => esc_html( Amends_Labels::moment( $incident['updated_at'] ?? '' ) ),
		);
		$order_id = (string) ( $incident['order_id'] ?? '' );
		$order    = ctype_digit( $order_id ) && function_exists( 'wc_get_order' ) ? wc_get_order( (int) $order_id ) : false;
		if ( $order ) {
			// The order's own edit URL: the posts screen, or HPOS' wc-orders page.
			$rows[ __( 'Order', 'amends-for-woocommerce' ) ] = sprintf( '<a href="%1$s">%2$s</a>', esc_url( $order->get_edit_order_url() ), esc_html__( 'Open the order in WooCommerce', 'amends-for-woocommerce' ) );
		}
		echo '<table class="widefat striped amends-facts"><tbody>';
		foreach ( $rows as $label => $value ) {
			echo '<tr><th scope="row">' . esc_html( $label ) . '</th><td>' . $value . '</td></tr>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- every value is escaped above.
		}
		echo '</tbody></table>';
	}

	/**
	 * Print the note form and the resolve or reopen button.
	 *
	 * @param array $incident The incident.
	 */
	private static function actions( $incident ) {
		$id     = (int) $incident['id'];
		$closed = in_array( $incident['status'] ?? '', array( 'resolved', 'closed' ), true );
		echo '<div class="amends-actions">';
		echo '<form method="post" class="amends-note-form" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		self::hidden_fields( $id, 'note' );
		echo '<label for="amends-note">' . esc_html__( 'Add a note for your team', 'amends-for-woocommerce' ) . '</label>';
		echo '<textarea id="amends-note" name="text" rows="3" class="large-text" maxlength="4000" required></textarea>';
		submit_button( __( 'Add note', 'amends-for-woocommerce' ), 'secondary', 'amends-add-note', false );
		echo '</form>';
		echo '<form method="post" class="amends-inline-form" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		self::hidden_fields( $id, $closed ? 'reopen' : 'resolve' );
		submit_button( $closed ? __( 'Reopen incident', 'amends-for-woocommerce' ) : __( 'Resolve incident', 'amends-for-woocommerce' ), $closed ? 'secondary' : 'primary', 'amends-' . ( $closed ? 'reopen' : 'resolve' ), false );
		echo '</form></div>';
	}

	/**
	 * Print the fields every incident form carries.
	 *
	 * @param int    $id The incident's id.
	 * @param string $do What the form does.
	 */
	private static function hidden_fields( $id, $do ) {
		echo '<input type="hidden" name="action" value="amends_incident" />';
		echo '<input type="hidden" name="incident" value="' . esc_attr( (string) $id ) . '" />';
		echo '<input type="hidden" name="amends_do" value="' . esc_attr( $do ) . '" />';
		wp_nonce_field( 'amends_incident_' . $id );
	}

	/**
	 * Print the timeline, oldest first.
	 *
	 * @param array $entries Timeline entries: at, type, actor, detail.
	 */
	private static function timeline( $entries ) {
		echo '<h3>' . esc_html__( 'Timeline', 'amends-for-woocommerce' ) . '</h3>';
		echo '<ol class="amends-timeline">';
		foreach ( $entries as $entry ) {
			echo '<li><span class="amends-when">' . esc_html( Amends_Labels::moment( $entry['at'] ?? '' ) ) . '</span> ';
			echo '<strong>' . esc_html( str_replace( '_', ' ', (string) ( $entry['type'] ?? '' ) ) ) . '</strong> ';
			echo '<span class="amends-actor">' . esc_html( (string) ( $entry['actor'] ?? '' ) ) . '</span>';
			$detail = self::detail( $entry['detail'] ?? array() );
			if ( '' !== $detail ) {
				echo '<div class="amends-detail">' . esc_html( $detail ) . '</div>';
			}
			echo '</li>';
		}
		echo '</ol>';
	}

	/**
	 * Return a timeline entry's detail as readable text.
	 *
	 * @param mixed $detail The detail Amends recorded.
	 * @return string
	 */
	private static function detail( $detail ) {
		if ( ! is_array( $detail ) ) {
			return (string) $detail;
		}
		$parts = array();
		foreach ( $detail as $key => $value ) {
			$parts[] = ( 'text' === $key ? '' : $key . ': ' ) . ( is_scalar( $value ) ? (string) $value : wp_json_encode( $value ) );
		}
		return implode( ' · ', $parts );
	}

	/**
	 * Print the messages to the customer.
	 *
	 * @param array $messages Messages: channel, stage, locale, status, queued_at, sent_at.
	 */
	private static function messages( $messages ) {
		echo '<h3>' . esc_html__( 'Messages to the customer', 'amends-for-woocommerce' ) . '</h3>';
		if ( ! $messages ) {
			echo '<p>' . esc_html__( 'None yet.', 'amends-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped"><thead><tr>';
		foreach ( array( __( 'Message', 'amends-for-woocommerce' ), __( 'Language', 'amends-for-woocommerce' ), __( 'Status', 'amends-for-woocommerce' ), __( 'Sent', 'amends-for-woocommerce' ) ) as $heading ) {
			echo '<th scope="col">' . esc_html( $heading ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $messages as $message ) {
			echo '<tr><td>' . esc_html( (string) ( $message['stage'] ?? $message['channel'] ?? '' ) ) . '</td>';
			echo '<td>' . esc_html( (string) ( $message['locale'] ?? '' ) ) . '</td>';
			echo '<td>' . esc_html( (string) ( $message['status'] ?? '' ) ) . '</td>';
			echo '<td>' . esc_html( Amends_Labels::moment( $message['sent_at'] ?? '' ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * Print the compensations, with approve and deny for those waiting.
	 *
	 * @param array $compensations Compensations: id, kind, amount, currency, status.
	 * @param int   $incident      The incident's id.
	 */
	private static function compensations( $compensations, $incident ) {
		echo '<h3>' . esc_html__( 'Compensation', 'amends-for-woocommerce' ) . '</h3>';
		if ( ! $compensations ) {
			echo '<p>' . esc_html__( 'None yet.', 'amends-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped"><thead><tr>';
		foreach ( array( __( 'Compensation', 'amends-for-woocommerce' ), __( 'Amount', 'amends-for-woocommerce' ), __( 'Status', 'amends-for-woocommerce' ), __( 'Reference', 'amends-for-woocommerce' ) ) as $heading ) {
			echo '<th scope="col">' . esc_html( $heading ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $compensations as $compensation ) {
			echo '<tr><td>' . esc_html( Amends_Compensation_Forms::kind( $compensation['kind'] ?? '' ) ) . '</td>';
			echo '<td>' . esc_html( Amends_Compensation_Forms::amount( $compensation ) ) . '</td>';
			echo '<td>' . ( Amends_Compensation_Forms::decidable( $compensation ) ? Amends_Compensation_Forms::buttons( $compensation, $incident ) : esc_html( (string) ( $compensation['status'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- buttons() escapes every part.
			self::what_the_store_said( $compensation );
			echo '</td>';
			echo '<td>' . esc_html( (string) ( $compensation['platform_ref'] ?? '' ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * Print why a compensation was not given, and what the store warned when it was.
	 *
	 * @param array $compensation One compensation: status, error, warnings.
	 */
	private static function what_the_store_said( $compensation ) {
		$status = (string) ( $compensation['status'] ?? '' );
		$error  = (string) ( $compensation['error'] ?? '' );
		if ( '' !== $error && in_array( $status, array( 'failed', 'withdrawn' ), true ) ) {
			/* translators: %s: why the store or Amends did not give the compensation. */
			echo '<p class="amends-error">' . esc_html( sprintf( __( 'Why it was not given: %s', 'amends-for-woocommerce' ), $error ) ) . '</p>';
		}
		$warnings = is_array( $compensation['warnings'] ?? null ) ? $compensation['warnings'] : array();
		foreach ( $warnings as $warning ) {
			/* translators: %s: a warning the store gave when the compensation was carried out. */
			echo '<p class="amends-warning">' . esc_html( sprintf( __( 'The store warned: %s', 'amends-for-woocommerce' ), (string) $warning ) ) . '</p>';
		}
	}
}
