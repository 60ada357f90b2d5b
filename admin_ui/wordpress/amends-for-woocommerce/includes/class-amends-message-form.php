<?php
/**
 * One message's editor: its wording in a WordPress form table, problems beside their
 * fields, and a preview of the draft as the customer of one of the store's orders reads it.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-compensation-forms.php';

/**
 * Renders the editor of one message.
 */
class Amends_Message_Form {

	/**
	 * Print the editor of a message.
	 *
	 * @param array $key Kind, stage, language.
	 */
	public static function render( $key ) {
		printf( '<p><a href="%1$s">%2$s</a></p>', esc_url( Amends_Admin::tab_url( 'messages' ) ), esc_html__( '← All messages', 'amends-for-woocommerce' ) );
		$answer = Amends_Client::request( 'GET', Amends_Message_Editor::path( $key ) );
		if ( is_wp_error( $answer ) ) {
			Amends_Notices::show_error( $answer );
			return;
		}
		$message      = is_array( $answer['data'] ) ? $answer['data'] : array();
		$outcome      = Amends_Message_Editor::outcome() ?? array();
		$draft        = $outcome['draft'] ?? self::wording( $message );
		$compensation = $outcome['compensation'] ?? Amends_Message_Editor::COMPENSATIONS[0];
		$errors       = self::by_field( $outcome['problems'] ?? array() );
		self::notices( $outcome, $errors );
		$badge = ! empty( $message['customised'] ) ? __( 'Your own wording', 'amends-for-woocommerce' ) : __( 'Built-in wording', 'amends-for-woocommerce' );
		printf(
			'<h2 class="amends-message-title">%1$s <span class="amends-badge%2$s">%3$s</span></h2>',
			esc_html( Amends_Messages_Page::title( $key ) ),
			! empty( $message['customised'] ) ? ' amends-badge-own' : '',
			esc_html( $badge )
		);
		echo '<p class="description">' . esc_html__( 'Leave a part as it is to keep the built-in wording: it then follows Amends\' improvements.', 'amends-for-woocommerce' ) . '</p>';
		self::form( $key, $draft, $errors, $compensation );
		if ( ! empty( $message['customised'] ) ) {
			self::reset_form( $key );
		}
		$preview = array_key_exists( 'preview', $outcome ) ? $outcome['preview'] : Amends_Message_Editor::request_preview( $key, $draft, $compensation );
		self::preview( $preview );
		self::help( $message );
	}

	/**
	 * Return the wording the message is sent with: the shop's own parts, else the built-in ones.
	 *
	 * @param array $message The message as Amends gives it.
	 * @return array<string,string>
	 */
	private static function wording( $message ) {
		$own     = is_array( $message['override'] ?? null ) ? $message['override'] : array();
		$default = is_array( $message['default'] ?? null ) ? $message['default'] : array();
		$wording = array();
		foreach ( Amends_Message_Editor::PARTS as $part ) {
			$wording[ $part ] = (string) ( ! empty( $own[ $part ] ) ? $own[ $part ] : ( $default[ $part ] ?? '' ) );
		}
		return $wording;
	}

	/**
	 * Group the problems' sentences by the field they belong beside ("form" for the whole).
	 *
	 * @param array $problems Problems as Amends gives them: code, part, values, message.
	 * @return array<string,string[]>
	 */
	private static function by_field( $problems ) {
		$grouped = array();
		foreach ( $problems as $problem ) {
			$part                = (string) ( $problem['part'] ?? '' );
			$part                = in_array( $part, Amends_Message_Editor::PARTS, true ) ? $part : 'form';
			$grouped[ $part ][] = (string) ( $problem['message'] ?? $problem['code'] ?? '' );
		}
		return $grouped;
	}

	/**
	 * Print what became of the post: why nothing was saved, and problems of the whole message.
	 *
	 * @param array $outcome What the post gave.
	 * @param array $errors  The problems by field.
	 */
	private static function notices( $outcome, $errors ) {
		if ( ! empty( $outcome['error'] ) ) {
			Amends_Notices::show_error( $outcome['error'] );
		}
		if ( ! empty( $outcome['rejected'] ) && $errors ) {
			Amends_Notices::show( 'error', __( 'The message was not saved: correct what is marked below.', 'amends-for-woocommerce' ) );
		}
		foreach ( $errors['form'] ?? array() as $sentence ) {
			Amends_Notices::show( 'error', $sentence );
		}
	}

	/**
	 * Print the form: subject, text, HTML version, and Save and Preview.
	 *
	 * @param array  $key          Kind, stage, language.
	 * @param array  $draft        Subject, text, html.
	 * @param array  $errors       The problems by field.
	 * @param string $compensation The compensation the preview shows.
	 */
	private static function form( $key, $draft, $errors, $compensation ) {
		echo '<form method="post" class="amends-message-form" action="' . esc_url( Amends_Messages_Page::editor_url( $key ) ) . '">';
		wp_nonce_field( Amends_Message_Editor::nonce_action( $key ) );
		echo '<table class="form-table" role="presentation"><tbody>';
		self::field( 'subject', __( 'Subject', 'amends-for-woocommerce' ), $draft, $errors );
		self::field( 'text', __( 'Text', 'amends-for-woocommerce' ), $draft, $errors );
		self::field( 'html', __( 'HTML version (optional)', 'amends-for-woocommerce' ), $draft, $errors, __( 'Leave it empty to send the text, laid out by Amends.', 'amends-for-woocommerce' ) );
		if ( 'compensation' === $key[1] ) {
			echo '<tr><th scope="row"><label for="amends-compensation">' . esc_html__( 'Compensation in the preview', 'amends-for-woocommerce' ) . '</label></th><td><select id="amends-compensation" name="compensation">';
			foreach ( Amends_Message_Editor::COMPENSATIONS as $kind ) {
				printf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( $kind ), selected( $kind, $compensation, false ), esc_html( Amends_Compensation_Forms::kind( $kind ) ) );
			}
			echo '</select></td></tr>';
		}
		echo '</tbody></table><p class="submit">';
		printf( '<button type="submit" name="amends_do" value="save" id="amends-save" class="button button-primary">%s</button> ', esc_html__( 'Save', 'amends-for-woocommerce' ) );
		printf( '<button type="submit" name="amends_do" value="preview" id="amends-preview" class="button">%s</button>', esc_html__( 'Preview', 'amends-for-woocommerce' ) );
		echo '</p></form>';
	}

	/**
	 * Print one part's row: label, input, hint, and its problems as inline error notices.
	 *
	 * @param string $part   subject, text or html.
	 * @param string $label  The field's label.
	 * @param array  $draft  Subject, text, html.
	 * @param array  $errors The problems by field.
	 * @param string $hint   A description under the field, or "".
	 */
	private static function field( $part, $label, $draft, $errors, $hint = '' ) {
		$id        = 'amends-' . $part;
		$problems  = $errors[ $part ] ?? array();
		$described = trim( ( $hint ? $id . '-hint ' : '' ) . ( $problems ? $id . '-error' : '' ) );
		$extra     = ( $problems ? ' aria-invalid="true"' : '' ) . ( $described ? ' aria-describedby="' . esc_attr( $described ) . '"' : '' );
		echo '<tr class="form-field' . ( $problems ? ' form-invalid' : '' ) . '"><th scope="row"><label for="' . esc_attr( $id ) . '">' . esc_html( $label ) . '</label></th><td>';
		if ( 'subject' === $part ) {
			// phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escape() encodes the wording; $extra is built from esc_attr().
			echo '<input type="text" id="' . esc_attr( $id ) . '" name="subject" class="large-text" value="' . Amends_Messages_Page::escape( $draft['subject'] ) . '"' . $extra . ' />';
		} else {
			// phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- as above.
			echo '<textarea id="' . esc_attr( $id ) . '" name="' . esc_attr( $part ) . '" rows="' . ( 'text' === $part ? 16 : 6 ) . '" class="large-text code"' . $extra . '>' . Amends_Messages_Page::escape( $draft[ $part ] ) . '</textarea>';
		}
		if ( $hint ) {
			echo '<p class="description" id="' . esc_attr( $id ) . '-hint">' . esc_html( $hint ) . '</p>';
		}
		if ( $problems ) {
			echo '<div class="notice notice-error inline amends-field-error" id="' . esc_attr( $id ) . '-error">';
			foreach ( $problems as $sentence ) {
				echo '<p>' . esc_html( $sentence ) . '</p>';
			}
			echo '</div>';
		}
		echo '</td></tr>';
	}

	/**
	 * Print the button that goes back to the built-in wording.
	 *
	 * @param array $key Kind, stage, language.
	 */
	private static function reset_form( $key ) {
		echo '<form method="post" class="amends-reset-form" action="' . esc_url( Amends_Messages_Page::editor_url( $key ) ) . '">';
		wp_nonce_field( Amends_Message_Editor::nonce_action( $key ) );
		echo '<input type="hidden" name="amends_do" value="reset" />';
		submit_button( __( 'Go back to the built-in wording', 'amends-for-woocommerce' ), 'secondary', 'amends-reset', false );
		echo '</form>';
	}

	/**
	 * Print the preview: subject, text, and the HTML version in a sandboxed frame.
	 *
	 * @param array|WP_Error|null $preview What Amends rendered.
	 */
	private static function preview( $preview ) {
		echo '<div class="amends-preview" id="amends-preview-section"><h2>' . esc_html__( 'Preview', 'amends-for-woocommerce' ) . '</h2>';
		if ( is_wp_error( $preview ) ) {
			Amends_Notices::show_error( $preview );
			echo '</div>';
			return;
		}
		$preview = is_array( $preview ) ? $preview : array();
		/* translators: %s: an order's name, e.g. #1042. */
		echo '<p class="description" id="amends-preview-order">' . esc_html( sprintf( __( 'As the customer of order %s would read it.', 'amends-for-woocommerce' ), (string) ( $preview['order_name'] ?? '' ) ) ) . '</p>';
		if ( ! empty( $preview['problems'] ) ) {
			echo '<p class="amends-preview-problems">' . esc_html__( 'Parts with a problem are shown in the built-in wording.', 'amends-for-woocommerce' ) . '</p>';
		}
		// phpcs:disable WordPress.Security.EscapeOutput.OutputNotEscaped -- escape() encodes the wording, entities and all.
		echo '<h3>' . esc_html__( 'Subject', 'amends-for-woocommerce' ) . '</h3>';
		echo '<p id="amends-preview-subject" class="amends-preview-subject">' . Amends_Messages_Page::escape( $preview['subject'] ?? '' ) . '</p>';
		echo '<h3>' . esc_html__( 'Text version', 'amends-for-woocommerce' ) . '</h3>';
		echo '<pre id="amends-preview-text" class="amends-preview-text">' . Amends_Messages_Page::escape( $preview['text'] ?? '' ) . '</pre>';
		echo '<h3>' . esc_html__( 'HTML version', 'amends-for-woocommerce' ) . '</h3>';
		echo '<iframe id="amends-preview-html" class="amends-preview-html" sandbox="" title="' . esc_attr__( 'HTML version', 'amends-for-woocommerce' ) . '" srcdoc="' . Amends_Messages_Page::escape( $preview['html'] ?? '' ) . '"></iframe>';
		// phpcs:enable
		echo '</div>';
	}

	/**
	 * Print the variables a message can use, and its built-in wording.
	 *
	 * @param array $message The message as Amends gives it.
	 */
	private static function help( $message ) {
		echo '<details class="amends-help"><summary>' . esc_html__( 'Variables you can use', 'amends-for-woocommerce' ) . '</summary><ul class="amends-variables">';
		foreach ( array_keys( (array) ( $message['variables'] ?? array() ) ) as $name ) {
			echo '<li><code>' . esc_html( '{{ ' . $name . ' }}' ) . '</code></li>';
		}
		echo '</ul></details>';
		$default = is_array( $message['default'] ?? null ) ? $message['default'] : array();
		echo '<details class="amends-help"><summary>' . esc_html__( 'Built-in wording', 'amends-for-woocommerce' ) . '</summary>';
		// phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escape() encodes the wording.
		echo '<pre class="amends-preview-text">' . Amends_Messages_Page::escape( ( $default['subject'] ?? '' ) . "\n\n" . ( $default['text'] ?? '' ) ) . '</pre></details>';
	}
}
