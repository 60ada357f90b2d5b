<?php
/**
 * The "Shop settings" tab: what Amends promises and writes for this store, edited here.
 *
 * The values live at Amends (GET/PUT /admin/api/settings); the form posts to
 * WordPress (admin-post.php, nonce and capability checked), which forwards it whole.
 * Amends checks every field and saves all or nothing; a refused form comes back
 * with what was typed and each field's message, in the user's language.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the shop settings form and forwards it to Amends.
 */
class Amends_Shop_Settings {

	const ACTION = 'amends_shop_settings';

	/**
	 * Hook the form's handler in.
	 */
	public static function init() {
		add_action( 'admin_post_' . self::ACTION, array( __CLASS__, 'save' ) );
	}

	/**
	 * Print the form with Amends' current values, or the refused form kept for correction.
	 */
	public static function render() {
		$kept   = get_transient( self::key() );
		$errors = array();
		if ( is_array( $kept ) ) {
			delete_transient( self::key() );
			$values = $kept['values'];
			$errors = $kept['errors'];
		} else {
			$answer = Amends_Client::request( 'GET', '/admin/api/settings' );
			if ( is_wp_error( $answer ) ) {
				Amends_Notices::show_error( $answer );
				return;
			}
			$values = (array) $answer['data'];
		}
		echo '<form method="post" class="amends-shop-settings" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" novalidate>';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '" />';
		wp_nonce_field( self::ACTION );
		echo '<h2>' . esc_html__( 'Shipping promise', 'amends-for-woocommerce' ) . '</h2>';
		echo '<table class="form-table" role="presentation"><tbody>';
		self::number_row( 'handling_days', __( 'Handling time (business days)', 'amends-for-woocommerce' ), $values, $errors, 0 );
		self::weekdays_row( $values, $errors );
		self::holidays_row( $values, $errors );
		self::text_row( 'timezone', __( 'Time zone', 'amends-for-woocommerce' ), $values, $errors );
		echo '</tbody></table>';
		echo '<h2>' . esc_html__( 'Customer messages', 'amends-for-woocommerce' ) . '</h2>';
		echo '<table class="form-table" role="presentation"><tbody>';
		self::number_row( 'update_every_days', __( 'Update the customer every (days)', 'amends-for-woocommerce' ), $values, $errors, 1 );
		self::language_row( $values, $errors );
		self::text_row( 'sender_name', __( 'Sender name', 'amends-for-woocommerce' ), $values, $errors );
		self::text_row( 'reply_to', __( 'Reply-to address', 'amends-for-woocommerce' ), $values, $errors, 'email' );
		echo '</tbody></table>';
		echo '<h2>' . esc_html__( 'Compensation and alerts', 'amends-for-woocommerce' ) . '</h2>';
		echo '<table class="form-table" role="presentation"><tbody>';
		self::text_row( 'monthly_budget', __( 'Monthly compensation budget', 'amends-for-woocommerce' ), $values, $errors );
		self::text_row( 'merchant_email', __( 'E-mail for alerts', 'amends-for-woocommerce' ), $values, $errors, 'email' );
		echo '</tbody></table>';
		submit_button( __( 'Save shop settings', 'amends-for-woocommerce' ) );
		echo '</form>';
	}

	/**
	 * Check the user and the nonce, forward the form, and go back with how it went.
	 */
	public static function save() {
		if ( ! current_user_can( Amends_Admin::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'amends-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION );
		$values = self::posted();
		$answer = Amends_Client::request( 'PUT', '/admin/api/settings', array(), $values );
		$back   = Amends_Admin::tab_url( 'shop' );
		if ( is_wp_error( $answer ) ) {
			$data = $answer->get_error_data();
			if ( is_array( $data ) && isset( $data['body']['fields'] ) && is_array( $data['body']['fields'] ) ) {
				$errors = array();
				foreach ( $data['body']['fields'] as $name => $problem ) {
					$errors[ sanitize_key( $name ) ] = is_array( $problem ) ? (string) ( $problem['message'] ?? '' ) : '';
				}
				set_transient( self::key(), array( 'values' => $values, 'errors' => $errors ), MINUTE_IN_SECONDS * 5 );
				Amends_Notices::flash( 'error', __( 'The settings were not saved. Correct the fields marked below.', 'amends-for-woocommerce' ) );
			} else {
				Amends_Notices::flash( 'error', $answer->get_error_message() );
			}
		} else {
			Amends_Notices::flash( 'success', __( 'Settings saved.', 'amends-for-woocommerce' ) );
		}
		wp_safe_redirect( $back );
		exit;
	}

	/**
	 * Read the posted form as Amends' settings document: lists for the days, text for the rest.
	 *
	 * @return array
	 */
	private static function posted() {
		// The nonce was checked by save(), the only caller.
		// phpcs:disable WordPress.Security.NonceVerification.Missing
		$values = array();
		foreach ( array( 'handling_days', 'timezone', 'update_every_days', 'language', 'monthly_budget', 'sender_name', 'reply_to', 'merchant_email' ) as $name ) {
			$values[ $name ] = isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : '';
		}
		$days                     = isset( $_POST['business_days'] ) ? (array) wp_unslash( $_POST['business_days'] ) : array(); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- each is sanitized below.
		$values['business_days']  = array_values( array_map( 'sanitize_key', $days ) );
		$holidays                 = isset( $_POST['holidays'] ) ? sanitize_textarea_field( wp_unslash( $_POST['holidays'] ) ) : '';
		$values['holidays']       = array_values( array_filter( array_map( 'trim', explode( "\n", $holidays ) ) ) );
		// phpcs:enable
		return $values;
	}

	/**
	 * Return the week's days: Amends' names => the site's words for them.
	 *
	 * @return array<string,string>
	 */
	private static function weekdays() {
		global $wp_locale;
		$names = array( 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday' );
		$words = array();
		foreach ( $names as $index => $name ) {
			$words[ $name ] = $wp_locale ? $wp_locale->get_weekday( ( $index + 1 ) % 7 ) : ucfirst( $name );
		}
		return $words;
	}

	/**
	 * Print a text or e-mail field's row.
	 *
	 * @param string $name   The setting.
	 * @param string $label  Its label.
	 * @param array  $values The form's values.
	 * @param array  $errors Each field's message.
	 * @param string $type   The input's type.
	 */
	private static function text_row( $name, $label, $values, $errors, $type = 'text' ) {
		self::row_start( $name, $label );
		printf(
			'<input type="%1$s" class="regular-text" id="amends-%2$s" name="%2$s" value="%3$s"%4$s />',
			esc_attr( $type ),
			esc_attr( $name ),
			esc_attr( (string) ( $values[ $name ] ?? '' ) ),
			self::invalid( $name, $errors ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
		);
		self::row_end( $name, $errors );
	}

	/**
	 * Print a number field's row.
	 *
	 * @param string $name   The setting.
	 * @param string $label  Its label.
	 * @param array  $values The form's values.
	 * @param array  $errors Each field's message.
	 * @param int    $min    Its least value.
	 */
	private static function number_row( $name, $label, $values, $errors, $min ) {
		self::row_start( $name, $label );
		printf(
			'<input type="number" class="small-text" min="%1$d" max="60" id="amends-%2$s" name="%2$s" value="%3$s"%4$s />',
			(int) $min,
			esc_attr( $name ),
			esc_attr( (string) ( $values[ $name ] ?? '' ) ),
			self::invalid( $name, $errors ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
		);
		self::row_end( $name, $errors );
	}

	/**
	 * Print the business days' row: one checkbox per day.
	 *
	 * @param array $values The form's values.
	 * @param array $errors Each field's message.
	 */
	private static function weekdays_row( $values, $errors ) {
		$chosen = isset( $values['business_days'] ) ? (array) $values['business_days'] : array();
		echo '<tr><th scope="row">' . esc_html__( 'Business days', 'amends-for-woocommerce' ) . '</th><td>';
		echo '<fieldset' . self::invalid( 'business_days', $errors ) . '><legend class="screen-reader-text">' . esc_html__( 'Business days', 'amends-for-woocommerce' ) . '</legend>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
		foreach ( self::weekdays() as $day => $word ) {
			printf(
				'<label class="amends-day"><input type="checkbox" name="business_days[]" value="%1$s"%2$s /> %3$s</label> ',
				esc_attr( $day ),
				checked( in_array( $day, $chosen, true ), true, false ),
				esc_html( $word )
			);
		}
		echo '</fieldset>';
		self::row_end( 'business_days', $errors );
	}

	/**
	 * Print the holidays' row: one date per line.
	 *
	 * @param array $values The form's values.
	 * @param array $errors Each field's message.
	 */
	private static function holidays_row( $values, $errors ) {
		self::row_start( 'holidays', __( 'Holidays', 'amends-for-woocommerce' ) );
		printf(
			'<textarea class="regular-text" rows="4" id="amends-holidays" name="holidays"%1$s>%2$s</textarea><p class="description">%3$s</p>',
			self::invalid( 'holidays', $errors ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
			esc_textarea( implode( "\n", (array) ( $values['holidays'] ?? array() ) ) ),
			esc_html__( 'One date per line, as YYYY-MM-DD.', 'amends-for-woocommerce' )
		);
		self::row_end( 'holidays', $errors );
	}

	/**
	 * Print the default language's row.
	 *
	 * @param array $values The form's values.
	 * @param array $errors Each field's message.
	 */
	private static function language_row( $values, $errors ) {
		self::row_start( 'language', __( 'Default language', 'amends-for-woocommerce' ) );
		echo '<select id="amends-language" name="language"' . self::invalid( 'language', $errors ) . '>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
		foreach ( Amends_Labels::languages() as $code => $name ) {
			printf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( $code ), selected( $values['language'] ?? 'en', $code, false ), esc_html( $name ) );
		}
		echo '</select>';
		self::row_end( 'language', $errors );
	}

	/**
	 * Open a row with its label.
	 *
	 * @param string $name  The setting.
	 * @param string $label Its label.
	 */
	private static function row_start( $name, $label ) {
		printf( '<tr><th scope="row"><label for="amends-%1$s">%2$s</label></th><td>', esc_attr( $name ), esc_html( $label ) );
	}

	/**
	 * Close a row, with the field's message under it when Amends refused it.
	 *
	 * @param string $name   The setting.
	 * @param array  $errors Each field's message.
	 */
	private static function row_end( $name, $errors ) {
		if ( ! empty( $errors[ $name ] ) ) {
			printf( '<p class="amends-field-error" id="amends-%1$s-error">%2$s</p>', esc_attr( $name ), esc_html( $errors[ $name ] ) );
		}
		echo '</td></tr>';
	}

	/**
	 * Return the attributes that mark a refused field and point at its message.
	 *
	 * @param string $name   The setting.
	 * @param array  $errors Each field's message.
	 * @return string
	 */
	private static function invalid( $name, $errors ) {
		if ( empty( $errors[ $name ] ) ) {
			return '';
		}
		return ' aria-invalid="true" aria-describedby="amends-' . esc_attr( $name ) . '-error"';
	}

	/**
	 * Return the transient's name for the current user's refused form.
	 *
	 * @return string
	 */
	private static function key() {
		return 'amends_shop_settings_' . get_current_user_id();
	}
}
