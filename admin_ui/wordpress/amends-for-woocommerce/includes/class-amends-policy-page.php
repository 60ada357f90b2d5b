<?php
/**
 * The "Policy" tab: the store's compensation policy as YAML, saved and previewed at Amends.
 *
 * Amends validates the policy with the validator `amends policy import` uses and
 * lists each problem with its line; a preview runs the edited policy on one of the
 * store's incidents and stores nothing. The text being edited, the problems and the
 * preview survive the redirect after the form, for the user who posted it.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the policy editor and forwards its saves and previews to Amends.
 */
class Amends_Policy_Page {

	const ACTION = 'amends_policy';

	/**
	 * Hook the form's handler in.
	 */
	public static function init() {
		add_action( 'admin_post_' . self::ACTION, array( __CLASS__, 'submit' ) );
	}

	/**
	 * Print the policy in words, the editor, the incident to try it on and the last preview.
	 */
	public static function render() {
		$policy = Amends_Client::request( 'GET', '/admin/api/policy' );
		if ( is_wp_error( $policy ) ) {
			Amends_Notices::show_error( $policy );
			return;
		}
		$kept = get_transient( self::key() );
		delete_transient( self::key() );
		$kept     = is_array( $kept ) ? $kept : array();
		$text     = isset( $kept['text'] ) ? (string) $kept['text'] : (string) $policy['data']['yaml'];
		$problems = isset( $kept['problems'] ) ? (array) $kept['problems'] : array();
		$chosen   = isset( $kept['incident'] ) ? (int) $kept['incident'] : 0;
		echo '<h2>' . esc_html__( 'In force now', 'amends-for-woocommerce' ) . '</h2><ul class="ul-disc">';
		foreach ( (array) $policy['data']['summary'] as $line ) {
			echo '<li>' . esc_html( (string) $line ) . '</li>';
		}
		echo '</ul>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '" />';
		wp_nonce_field( self::ACTION );
		echo '<h2><label for="amends-policy">' . esc_html__( 'Policy (YAML)', 'amends-for-woocommerce' ) . '</label></h2>';
		printf(
			'<textarea id="amends-policy" name="policy" class="large-text code" rows="20" spellcheck="false"%1$s>%2$s</textarea>',
			$problems ? ' aria-invalid="true" aria-describedby="amends-policy-error"' : '',
			esc_textarea( $text )
		);
		if ( $problems ) {
			echo '<ul class="amends-field-error" id="amends-policy-error">';
			foreach ( $problems as $problem ) {
				echo '<li>' . esc_html( (string) ( $problem['text'] ?? '' ) ) . '</li>';
			}
			echo '</ul>';
		}
		self::render_preview_choice( $chosen );
		if ( isset( $kept['preview'] ) && is_array( $kept['preview'] ) ) {
			self::render_preview( $kept['preview'] );
		}
		submit_button( __( 'Save policy', 'amends-for-woocommerce' ), 'primary', 'amends-save-policy' );
		echo '</form>';
	}

	/**
	 * Print the incident picker and the preview button.
	 *
	 * @param int $chosen The incident picked last.
	 */
	private static function render_preview_choice( $chosen ) {
		$choices = Amends_Client::request( 'GET', '/admin/api/policy/incidents' );
		echo '<h2>' . esc_html__( 'Try it on an incident', 'amends-for-woocommerce' ) . '</h2>';
		if ( is_wp_error( $choices ) || ! $choices['data'] ) {
			echo '<p>' . esc_html__( 'No incident yet to try the policy on.', 'amends-for-woocommerce' ) . '</p>';
			return;
		}
		echo '<p><label for="amends-preview-incident">' . esc_html__( 'Incident', 'amends-for-woocommerce' ) . '</label> ';
		echo '<select id="amends-preview-incident" name="incident">';
		foreach ( (array) $choices['data'] as $incident ) {
			printf(
				'<option value="%1$d"%2$s>%3$s</option>',
				(int) $incident['id'],
				selected( (int) $incident['id'], $chosen, false ),
				/* translators: 1: the order's number, 2: the incident's kind. */
				esc_html( sprintf( __( 'Order %1$s — %2$s', 'amends-for-woocommerce' ), $incident['order_name'] ?? $incident['order_id'], Amends_Labels::kind( (string) $incident['kind'] ) ) )
			);
		}
		echo '</select> ';
		submit_button( __( 'Preview', 'amends-for-woocommerce' ), 'secondary', 'amends-preview', false );
		echo '</p><p class="description">' . esc_html__( 'The preview runs the policy in the editor, unsaved; nothing is given or stored.', 'amends-for-woocommerce' ) . '</p>';
	}

	/**
	 * Print what the edited policy would decide for the incident.
	 *
	 * @param array $preview What Amends answered.
	 */
	private static function render_preview( $preview ) {
		echo '<div class="amends-preview" role="status">';
		if ( empty( $preview['decision'] ) ) {
			echo '<p>' . esc_html__( 'This incident cannot be decided yet:', 'amends-for-woocommerce' ) . ' ' . esc_html( (string) ( $preview['waiting'] ?? '' ) ) . '</p></div>';
			return;
		}
		$decision = $preview['decision'];
		$actions  = array(
			'grant'          => __( 'It would give:', 'amends-for-woocommerce' ),
			'offer'          => __( 'It would offer the customer a choice of:', 'amends-for-woocommerce' ),
			'needs_approval' => __( 'It would ask for your approval of:', 'amends-for-woocommerce' ),
			'nothing'        => __( 'It would give nothing.', 'amends-for-woocommerce' ),
		);
		echo '<p><strong>' . esc_html( $actions[ $decision['action'] ] ?? (string) $decision['action'] ) . '</strong></p><ul class="ul-disc">';
		foreach ( (array) ( $decision['words'] ?? array() ) as $words ) {
			echo '<li>' . esc_html( (string) $words ) . '</li>';
		}
		echo '</ul><p class="description">' . esc_html__( 'Why:', 'amends-for-woocommerce' ) . ' ' . esc_html( (string) ( $decision['explanation'] ?? '' ) ) . '</p></div>';
	}

	/**
	 * Check the user and the nonce; save or preview at Amends; go back with the outcome.
	 */
	public static function submit() {
		if ( ! current_user_can( Amends_Admin::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'amends-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION );
		// YAML keeps its own indentation and quotes: only slashes WordPress added are removed.
		$text     = isset( $_POST['policy'] ) ? (string) wp_unslash( $_POST['policy'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- validated by Amends, escaped when shown.
		$incident = isset( $_POST['incident'] ) ? absint( $_POST['incident'] ) : 0;
		$preview  = isset( $_POST['amends-preview'] );
		$kept     = array(
			'text'     => $text,
			'incident' => $incident,
		);
		if ( $preview ) {
			$answer = Amends_Client::request(
				'POST',
				'/admin/api/policy/preview',
				array(),
				array(
					'incident' => $incident,
					'yaml'     => $text,
				)
			);
		} else {
			$answer = Amends_Client::request( 'PUT', '/admin/api/policy', array(), array( 'yaml' => $text ) );
		}
		if ( is_wp_error( $answer ) ) {
			$data = $answer->get_error_data();
			if ( is_array( $data ) && isset( $data['body']['problems'] ) ) {
				$kept['problems'] = (array) $data['body']['problems'];
				Amends_Notices::flash( 'error', __( 'The policy has problems; nothing was saved.', 'amends-for-woocommerce' ) );
			} else {
				Amends_Notices::flash( 'error', $answer->get_error_message() );
			}
		} elseif ( $preview ) {
			$kept['preview'] = $answer['data'];
		} else {
			unset( $kept['text'] );
			Amends_Notices::flash( 'success', __( 'Policy saved.', 'amends-for-woocommerce' ) );
		}
		set_transient( self::key(), $kept, MINUTE_IN_SECONDS * 5 );
		wp_safe_redirect( Amends_Admin::tab_url( 'policy' ) );
		exit;
	}

	/**
	 * Return the transient's name for the current user's editor.
	 *
	 * @return string
	 */
	private static function key() {
		return 'amends_policy_' . get_current_user_id();
	}
}
